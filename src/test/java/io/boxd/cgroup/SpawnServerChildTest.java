package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.driver.PidsLimitException;
import io.boxd.driver.SpawnSpec;
import io.boxd.testkit.Kernel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each spawn server (native, perl) does to a child before the target runs, driven through
 * boxd's own {@link SpawnServer}. The server runs in a real scratch cgroup, started from a shell
 * that ignores SIGHUP, SIGINT and SIGQUIT (as a boxd started under nohup, or as a background job,
 * passes on). The box it is asked to spawn into is a directory tree in a temporary directory that
 * mirrors the real cgroup's path, with a plain {@code cgroup.procs} file and the {@code pids.max}
 * and {@code pids.current} the test writes: clone3 refuses a directory outside cgroupfs, so the
 * child is forked, "moves" itself by writing that file and stays in the server's real cgroup,
 * which is the one it is expected in. So this proves the servers' own check of a moved child
 * against pids.max at the box and above, their answer and boxd's reading of it; that the kernel
 * does not hold a move to pids.max, and that boxd refuses such a spawn on a real pids controller,
 * the kernel lab's scenario spawn-at-pids-max shows (this host has no pids controller in v2).
 */
class SpawnServerChildTest {

    @TempDir
    Path tmp;

    private final Path mount = KernelCgroups.mount();
    private final String base = KernelCgroups.uniqueBase();
    private final List<Long> started = new ArrayList<>();
    private SpawnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        KernelCgroups.cleanUp(mount, base);
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"native", "perl"})
    void aChildThatMovedIntoABoxAtItsPidsMaxIsKilledBeforeTheTargetRuns(String kind) throws Exception {
        Path box = fakeBox(kind);
        pids(box, "2", 3);
        Path marker = tmp.resolve("ran");
        assertThatThrownBy(() -> spawn(box, "/usr/bin/touch", marker.toString()))
                .isInstanceOf(PidsLimitException.class)
                .hasMessage("pids.max: " + box + " has pids.current 3 with the new process, over its pids.max 2"
                        + "; killed it before it ran the target");
        Kernel.sleep(200);
        assertThat(marker).as("the target never ran").doesNotExist();
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"native", "perl"})
    void aCgroupAboveTheBoxAtItsPidsMaxRefusesTooAndIsNamed(String kind) throws Exception {
        Path box = fakeBox(kind);
        pids(box, "max", 1);
        pids(box.getParent(), "5", 6);
        assertThatThrownBy(() -> spawn(box, "/usr/bin/true"))
                .isInstanceOf(PidsLimitException.class)
                .hasMessageStartingWith("pids.max: " + box.getParent() + " has pids.current 6 with the new process, over its pids.max 5");
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"native", "perl"})
    void aChildThatFitsRunsWithEveryIgnoredSignalResetAndInTheRootDirectory(String kind) throws Exception {
        Path box = fakeBox(kind);
        pids(box, "2", 2);
        pids(box.getParent(), "10", 3);
        long serverPid = server.pid().orElseThrow();
        assertThat(Kernel.status(serverPid).get("SigIgn")).as("the server was started with signals ignored")
                .isNotEqualTo("0000000000000000");
        // A cwd through a link into /proc/self is entered by the child itself: its own cwd then,
        // the working directory it inherited (boxd's own, if the server ran there).
        Path self = Files.createSymbolicLink(tmp.resolve("self"), Path.of("/proc/self"));
        int pid = spawnIn(box, self.resolve("cwd"), "/usr/bin/sleep", "30");
        started.add((long) pid);
        assertThat(Kernel.status(pid).get("SigIgn")).as("ignored signals of pid %d", pid).isEqualTo("0000000000000000");
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd"))).as("the working directory it inherited")
                .isEqualTo(Path.of("/"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Starts the server in a real scratch cgroup; returns the mirror of that cgroup under tmp. */
    private Path fakeBox(String kind) throws Exception {
        Path real = Files.createDirectories(mount.resolve(base).resolve("srv"));
        List<String> serverArgv = switch (kind) {
            case "native" -> {
                var built = SpawnServers.class.getResource(SpawnServers.NATIVE);
                assertThat(built).as("the build compiles the native server (needs /usr/bin/cc)").isNotNull();
                yield List.of(Path.of(built.toURI()).toString());
            }
            default -> {
                try (InputStream in = SpawnServers.class.getResourceAsStream("spawn-server.pl")) {
                    yield List.of(SpawnServers.PERL.toString(), "-e", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        };
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                "trap '' HUP INT QUIT; echo $$ > \"$0\" && exec \"$@\"", real.resolve("cgroup.procs").toString()));
        command.addAll(serverArgv);
        server = new SpawnServer(() -> command, 10_000);
        server.start();
        Path box = Files.createDirectories(tmp.resolve("mount").resolve(base).resolve("srv"));
        Files.writeString(box.resolve("cgroup.procs"), "");
        return box;
    }

    /** The fake cgroup's pids.max and pids.current, as the kernel writes them. */
    private static void pids(Path cgroup, String max, long current) throws IOException {
        Files.writeString(cgroup.resolve("pids.max"), max + "\n");
        Files.writeString(cgroup.resolve("pids.current"), current + "\n");
    }

    private int spawn(Path box, String... argv) {
        return spawnIn(box, Path.of("/"), argv);
    }

    private int spawnIn(Path box, Path cwd, String... argv) {
        SpawnSpec spec = new SpawnSpec(List.of(argv), Map.of("PATH", Spawner.DEFAULT_PATH), cwd, null, null, tmp.resolve("box.log"));
        return server.spawn("box", box.resolve("cgroup.procs"), "/" + base + "/srv", spec);
    }
}
