package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.driver.SpawnSpec;
import io.boxd.driver.SpawnedProcess;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import io.boxd.testkit.DriverProxy;
import io.boxd.testkit.Kernel;
import io.boxd.testkit.Scratch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestExecutionListeners;

/**
 * A process boxd started but could not record is killed with all it started, on the real
 * kernel: here a shell that leaves a daemon behind and exits, so the daemon is no child of the
 * process boxd started by the time boxd undoes the start. The database refuses the
 * {@code process-started} event through a CHECK constraint on the event's detail (the argv
 * carries a marker); the driver, behind a proxy, answers only once that shell has exited, and
 * 300 ms later, so that what else runs in the box forks in between.
 */
@SpringBootTest
@TestExecutionListeners(listeners = Scratch.CleanUp.class, mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
class UnrecordedSpawnTest {

    private static final Scratch SCRATCH = Scratch.create("unrecorded");
    private static final String MARKER = "refused-by-the-database";
    /** This host's v2 hierarchy has no pids controller: a box that asks for no limit is enforceable. */
    private static final Limits NO_LIMIT = new Limits(null, null, null, null, null, LimitValue.UNLIMITED);

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        SCRATCH.register(r);
        r.add("boxd.reconcile.interval", () -> "0");   // box 3's record stays as it is
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class LeaderExitsFirst {
        @Bean
        static BeanPostProcessor answerOnceTheShellHasExited() {
            return DriverProxy.around((m, args, driver, real) -> {
                Object out = real.call();
                if (m.getName().equals("spawn") && ((SpawnSpec) args[1]).argv().contains(MARKER)) {
                    long pid = ((SpawnedProcess) out).pid();
                    for (int i = 0; i < 500 && Kernel.identify(pid).isPresent(); i++) {
                        Kernel.sleep(10);
                    }
                    assertThat(Kernel.identify(pid)).as("the shell that leaves the daemon has exited").isEmpty();
                    Kernel.sleep(300);   // what else runs in the box forks meanwhile
                }
                return out;
            });
        }
    }

    @Autowired
    BoxService service;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aStartThatCannotBeRecordedLeavesNoDaemonBehindAndSparesWhatRanBefore() throws Exception {
        service.create(new NewBox("empty", null, NO_LIMIT, null));
        service.create(new NewBox("busy", null, NO_LIMIT, null));
        service.create(new NewBox("unrecorded", null, NO_LIMIT, null));
        long kept = service.spawn("busy", new NewProcess(List.of("sleep", "600"), null, null, null, null)).pid();
        // A supervisor that leaves an orphaned worker every 20 ms, in its own session.
        service.spawn("busy", new NewProcess(List.of("/bin/sh", "-c", "while :; do (sleep 600 & echo \"worker $!\"); sleep 0.02; done"),
                null, null, null, null));
        // A process the box took in without a record (an adopt whose record failed): the record says CREATED.
        Process outside = new ProcessBuilder("sleep", "600").start();
        Files.writeString(SCRATCH.baseDir.resolve("unrecorded").resolve("cgroup.procs"), Long.toString(outside.pid()));
        Optional<Kernel.Pid> keptPid = Kernel.identify(kept);
        Optional<Kernel.Pid> outsidePid = Kernel.identify(outside.pid());
        jdbc.execute("ALTER TABLE box_event ADD CONSTRAINT test_refuse_marker CHECK (detail NOT LIKE '%" + MARKER + "%')");
        try {
            for (String id : List.of("empty", "busy", "unrecorded")) {
                NewProcess daemonizer = new NewProcess(List.of("/bin/sh", "-c", "sleep 600 & echo \"daemon $!\"", MARKER),
                        null, null, null, null);
                assertThatThrownBy(() -> service.spawn(id, daemonizer)).as("the spawn in %s", id).isInstanceOf(RuntimeException.class);
                long daemon = logged(id, "daemon").get(0);
                assertThat(Kernel.identify(daemon)).as("the daemon %d left in %s", daemon, id).isEmpty();
            }
            List<Long> workers = logged("busy", "worker");
            assertThat(workers).as("workers the supervisor left while the start was undone").hasSizeGreaterThan(10);
            assertThat(workers).allSatisfy(w -> assertThat(Kernel.identify(w)).as("worker %d", w).isPresent());
        } finally {
            jdbc.execute("ALTER TABLE box_event DROP CONSTRAINT test_refuse_marker");
        }
        assertThat(Kernel.procs(SCRATCH.baseDir.resolve("empty"))).isEmpty();
        assertThat(keptPid.map(Kernel::alive)).as("what ran before the failed start").hasValue(true);
        assertThat(outsidePid.map(Kernel::alive)).as("what the box held without a record").hasValue(true);
        assertThat(Kernel.procs(SCRATCH.baseDir.resolve("unrecorded"))).containsExactly(outside.pid());
        assertThat(service.get("empty").state()).isEqualTo(BoxState.CREATED);
        assertThat(service.events("busy")).extracting(BoxEvent::type).containsExactly("created", "process-started", "process-started");
        for (String id : List.of("empty", "busy", "unrecorded")) {
            service.delete(id, true);
        }
    }

    /** The pids the box's processes wrote to its log as "{@code tag} <pid>", once there is one. */
    private static List<Long> logged(String id, String tag) throws Exception {
        Path log = SCRATCH.dataDir.resolve("logs").resolve(id + ".log");
        for (int i = 0; i < 500; i++) {
            List<Long> pids = Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.startsWith(tag + " "))
                    .map(l -> Long.parseLong(l.substring(tag.length() + 1).trim())).toList() : List.of();
            if (!pids.isEmpty()) {
                return pids;
            }
            Kernel.sleep(10);
        }
        throw new AssertionError("no " + tag + " pid in " + log);
    }
}
