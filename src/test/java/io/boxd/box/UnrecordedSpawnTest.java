package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.driver.SpawnSpec;
import io.boxd.driver.SpawnedProcess;
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
 * carries a marker); the driver, behind a proxy, answers only once that shell has exited.
 */
@SpringBootTest
@TestExecutionListeners(listeners = Scratch.CleanUp.class, mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
class UnrecordedSpawnTest {

    private static final Scratch SCRATCH = Scratch.create("unrecorded");
    private static final String MARKER = "refused-by-the-database";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        SCRATCH.register(r);
        r.add("boxd.reconcile.interval", () -> "0");
        r.add("boxd.enforcement", () -> "best-effort");
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
        service.create(new NewBox("empty", null, null, null));
        service.create(new NewBox("busy", null, null, null));
        long kept = service.spawn("busy", new NewProcess(List.of("sleep", "600"), null, null, null, null)).pid();
        Optional<Kernel.Pid> keptPid = Kernel.identify(kept);
        jdbc.execute("ALTER TABLE box_event ADD CONSTRAINT test_refuse_marker CHECK (detail NOT LIKE '%" + MARKER + "%')");
        try {
            for (String id : List.of("empty", "busy")) {
                NewProcess daemonizer = new NewProcess(List.of("/bin/sh", "-c", "sleep 600 & echo \"daemon $!\"", MARKER),
                        null, null, null, null);
                assertThatThrownBy(() -> service.spawn(id, daemonizer)).as("the spawn in %s", id).isInstanceOf(RuntimeException.class);
                long daemon = daemonPid(id);
                assertThat(Kernel.identify(daemon)).as("the daemon %d left in %s", daemon, id).isEmpty();
            }
        } finally {
            jdbc.execute("ALTER TABLE box_event DROP CONSTRAINT test_refuse_marker");
        }
        assertThat(Kernel.procs(SCRATCH.baseDir.resolve("empty"))).isEmpty();
        assertThat(Kernel.procs(SCRATCH.baseDir.resolve("busy"))).as("what ran before the failed start").containsExactly(kept);
        assertThat(keptPid.map(Kernel::alive)).hasValue(true);
        assertThat(service.get("empty").state()).isEqualTo(BoxState.CREATED);
        assertThat(service.events("busy")).extracting(BoxEvent::type).containsExactly("created", "process-started");
        service.delete("empty", true);
        service.delete("busy", true);
    }

    /** The daemon's pid, as the shell wrote it to the box's log before it exited. */
    private static long daemonPid(String id) throws Exception {
        Path log = SCRATCH.dataDir.resolve("logs").resolve(id + ".log");
        for (int i = 0; i < 500; i++) {
            Optional<String> line = Files.exists(log)
                    ? Files.readAllLines(log).stream().filter(l -> l.startsWith("daemon ")).reduce((a, b) -> b) : Optional.empty();
            if (line.isPresent()) {
                return Long.parseLong(line.get().substring("daemon ".length()).trim());
            }
            Kernel.sleep(10);
        }
        throw new AssertionError("no daemon pid in " + log);
    }
}
