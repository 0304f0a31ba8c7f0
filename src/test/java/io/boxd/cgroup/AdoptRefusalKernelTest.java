package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.driver.Enforcement;
import io.boxd.driver.NotAdoptableException;
import io.boxd.driver.SpawnSpec;
import io.boxd.limits.Limits;
import io.boxd.testkit.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adopt against the real kernel, which would move every one of these processes (init, this JVM,
 * its parent, kswapd, another box's process, the whole process of a thread id): each refusal
 * must come before the write, and each process stays where it was. Should a refusal ever fail,
 * the test puts the process back before anything could kill the box.
 */
class AdoptRefusalKernelTest {

    static Path mount;
    static String base;

    @TempDir
    Path tmp;

    CgroupfsDriver driver;

    @BeforeAll
    static void setUp() {
        mount = KernelCgroups.mount();
        base = KernelCgroups.uniqueBase();
    }

    @AfterEach
    void removeBoxes() {
        for (String id : driver.listBoxes()) {
            driver.kill(id);
            driver.remove(id);
        }
        driver.close();
    }

    @AfterAll
    static void nothingIsLeft() {
        assertThat(KernelCgroups.cleanUp(mount, base)).as("cgroups left under " + base).isZero();
    }

    CgroupfsDriver driver() {
        var props = new CgroupProperties(null, base, Set.of(), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), true, false);
        driver = new CgroupfsDriver(new CgroupFs(mount), props, Enforcement.STRICT, "test", tmp.resolve("data"));
        return driver;
    }

    /** Adopting {@code pid} into a fresh box is refused for {@code because}, and pid does not move. */
    void refusedAndUnmoved(long pid, String because) throws IOException {
        CgroupfsDriver d = driver();
        d.create("target", Limits.NONE);
        String before = Objects.requireNonNull(Kernel.cgroupOf(pid), "pid " + pid + " is gone");
        try {
            assertThatThrownBy(() -> d.adopt("target", (int) pid)).isInstanceOf(NotAdoptableException.class).hasMessageContaining(because);
        } finally {
            String now = Kernel.cgroupOf(pid);
            if (now != null && !now.equals(before)) {
                Files.writeString(mount.resolve(before.substring(1)).resolve("cgroup.procs"), Long.toString(pid));
            }
            assertThat(now).as("pid " + pid + "'s cgroup after the refused adopt").isEqualTo(before);
        }
        assertThat(Kernel.procs(mount.resolve(base + "/target"))).isEmpty();
    }

    @Test
    void adoptRefusesInit() throws IOException {
        refusedAndUnmoved(1, "pid 1 is init");
    }

    @Test
    void adoptRefusesBoxdItself() throws IOException {
        refusedAndUnmoved(ProcessHandle.current().pid(), "boxd itself");
    }

    @Test
    void adoptRefusesAnAncestorOfBoxd() throws IOException {
        refusedAndUnmoved(ProcessHandle.current().parent().orElseThrow().pid(), "ancestor of boxd");
    }

    @Test
    void adoptRefusesAKernelThreadTheKernelWouldMove() throws IOException {
        // kswapd is a kernel thread that cgroup v2 lets into any cgroup (kthreadd it refuses).
        long kthread = kernelThreads().filter(p -> comm(p).startsWith("kswapd")).findFirst()
                .orElseGet(() -> kernelThreads().filter(p -> p != 2).findFirst().orElseThrow());
        refusedAndUnmoved(kthread, "kernel thread");
    }

    @Test
    void adoptRefusesAProcessOfAnotherBox() throws Exception {
        CgroupfsDriver d = driver();
        d.create("owner", Limits.NONE);
        d.create("thief", Limits.NONE);
        int pid = d.spawn("owner", new SpawnSpec(List.of("sleep", "300"), Map.of(), null, null, null, tmp.resolve("log"))).pid();

        assertThatThrownBy(() -> d.adopt("thief", pid)).isInstanceOf(NotAdoptableException.class)
                .hasMessageContaining("another box").hasMessageContaining("/" + base + "/owner");
        assertThat(Kernel.cgroupOf(pid)).isEqualTo("/" + base + "/owner");
        d.adopt("owner", pid);
        assertThat(Kernel.cgroupOf(pid)).as("adopting a process of the same box again is fine").isEqualTo("/" + base + "/owner");
    }

    @Test
    void adoptRefusesBoxdsSpawnServer() throws Exception {
        CgroupfsDriver d = driver();
        d.create("user", Limits.NONE);
        d.create("thief", Limits.NONE);
        d.spawn("user", new SpawnSpec(List.of("true"), Map.of(), null, null, null, tmp.resolve("log")));
        long server = d.spawner().serverPid().orElseThrow();
        String before = Kernel.cgroupOf(server);

        assertThatThrownBy(() -> d.adopt("thief", (int) server)).isInstanceOf(NotAdoptableException.class)
                .hasMessageContaining("spawn server");
        assertThat(Kernel.cgroupOf(server)).as("the server stays where boxd runs").isEqualTo(before);
        assertThat(d.spawn("user", new SpawnSpec(List.of("sleep", "300"), Map.of(), null, null, null, tmp.resolve("log"))).pid())
                .as("spawns still go through it").isPositive();
    }

    @Test
    void adoptRefusesAThreadIdAndTakesItsProcess() throws Exception {
        Process perl = new ProcessBuilder("perl", "-Mthreads", "-e", "threads->create(sub { sleep 300 }); sleep 300").start();
        try {
            long thread = awaitSecondThread(perl.pid());
            String before = Kernel.cgroupOf(perl.pid());
            CgroupfsDriver d = driver();
            d.create("threads", Limits.NONE);

            assertThatThrownBy(() -> d.adopt("threads", (int) thread)).isInstanceOf(NotAdoptableException.class)
                    .hasMessageContaining("thread of process " + perl.pid());
            assertThat(Kernel.cgroupOf(perl.pid())).isEqualTo(before);

            d.adopt("threads", (int) perl.pid());
            assertThat(Kernel.cgroupOf(perl.pid())).isEqualTo("/" + base + "/threads");
            assertThat(Kernel.cgroupOf(thread)).isEqualTo("/" + base + "/threads");
        } finally {
            perl.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessWhoseMainThreadHasExitedIsRefusedByItsPidAndItsThreadAlike() throws Exception {
        // The kernel would move the thread that runs, not the exited main thread.
        Process perl = new ProcessBuilder(Kernel.mainThreadExits()).start();
        try {
            long thread = awaitSecondThread(perl.pid());
            Kernel.awaitMainThreadExited(perl.pid());
            assertThat(Kernel.status(thread).get("State")).as("the other thread runs").doesNotStartWith("Z");
            String why = "process " + perl.pid() + " runs on without its main thread";

            refusedAndUnmoved(perl.pid(), why);
            removeBoxes();
            refusedAndUnmoved(thread, why);
            assertThat(Kernel.cgroupOf(thread)).as("the running thread stays where it was").isEqualTo(Kernel.cgroupOf(perl.pid()));
        } finally {
            perl.destroyForcibly().waitFor();
        }
    }

    @Test
    void killReapsABoxProcessWhoseMainThreadHasExitedWhichMayBeAdoptedAgain() throws Exception {
        CgroupfsDriver d = driver();
        d.create("own", Limits.NONE);
        int pid = d.spawn("own", new SpawnSpec(Kernel.mainThreadExits(), Map.of("PATH", "/usr/bin:/bin"), null, null, null,
                tmp.resolve("log"))).pid();
        Kernel.awaitMainThreadExited(pid);

        d.adopt("own", pid);
        assertThat(d.populated("own")).isTrue();
        assertThat(d.kill("own")).isTrue();
        // cgroup.kill alone passed over it: alive 5 s later, and the kill failed.
        assertThat(d.populated("own")).as("the box's kill reaches a process whose exited main thread is in the box").isFalse();
        // populated 0 comes as the threads die; the spawn server reaps the process a moment later.
        for (int i = 0; i < 400 && Files.exists(Path.of("/proc/" + pid)); i++) {
            Kernel.sleep(5);
        }
        assertThat(Path.of("/proc/" + pid)).doesNotExist();
    }

    @Test
    void adoptOfAZombieIsNoSuchProcess() throws Exception {
        // The child exits at once and its parent never reaps it. The kernel would take the pid in
        // cgroup.procs and move nothing.
        Process parent = new ProcessBuilder("perl", "-e", "$| = 1; my $p = fork(); if (!$p) { exit 0 } print \"$p\\n\"; sleep 300").start();
        try {
            int zombie = Integer.parseInt(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine().trim());
            for (int i = 0; i < 400 && !Kernel.status(zombie).get("State").startsWith("Z"); i++) {
                Kernel.sleep(5);
            }
            assertThat(Kernel.status(zombie).get("State")).startsWith("Z");
            CgroupfsDriver d = driver();
            d.create("zombie", Limits.NONE);

            assertThatThrownBy(() -> d.adopt("zombie", zombie)).isInstanceOf(io.boxd.driver.NoSuchProcessException.class)
                    .hasMessageContaining("has exited");
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    static long awaitSecondThread(long pid) throws IOException {
        for (int i = 0; i < 400; i++) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                var other = tasks.map(t -> Long.parseLong(t.getFileName().toString())).filter(t -> t != pid).findFirst();
                if (other.isPresent()) {
                    return other.get();
                }
            }
            Kernel.sleep(5);
        }
        throw new AssertionError("perl " + pid + " started no thread in 2 s");
    }

    static Stream<Long> kernelThreads() {
        return ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(p -> {
            try {
                return KernelText.kernelThread(Files.readString(Path.of("/proc/" + p + "/stat")));
            } catch (IOException gone) {
                return false;
            }
        });
    }

    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException gone) {
            return "";
        }
    }
}
