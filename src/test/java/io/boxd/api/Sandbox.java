package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One test class's private world: a unique cgroup base under the real cgroup v2 mount and a
 * temp data dir. {@link #close}, after the server is shut, kills whatever is left in the base,
 * removes it and the data dir, and fails when anything survives.
 */
final class Sandbox {

    final String base;
    final Path dataDir;
    final Path mount;
    final Path baseDir;
    private final List<Process> started = new ArrayList<>();
    private volatile int port;

    private Sandbox(String name) {
        this.base = "boxd-test-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            this.dataDir = Files.createTempDirectory("boxd-test-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.mount = cgroup2Mount();
        this.baseDir = mount.resolve(base);
    }

    static Sandbox create(String name) {
        return new Sandbox(name);
    }

    void register(DynamicPropertyRegistry r) {
        r.add("boxd.cgroup.base", () -> base);
        r.add("boxd.data-dir", dataDir::toString);
        // The cgroupfs driver is what these tests exercise, whatever PID 1 is.
        r.add("boxd.driver", () -> "cgroupfs");
    }

    /** A client for the server on {@code port}; the port is remembered to prove the server is gone in {@link #close}. */
    Http client(int port) {
        this.port = port;
        return new Http(port);
    }

    /** A process the test itself started; killed in {@link #close} if still alive. */
    Process track(Process p) {
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    /** The box cgroups that exist now (directory names under the base). */
    Set<String> boxDirs() {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(baseDir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(baseDir)) {
            s.filter(Files::isDirectory).forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    Path boxDir(String id) {
        return baseDir.resolve(id);
    }

    void close() throws Exception {
        if (port > 0) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                throw new AssertionError("the server on port " + port + " is still up; SandboxCleanup must run after "
                        + "Spring closed the context (@ExtendWith(SandboxCleanup.class) before @SpringBootTest, and @DirtiesContext)");
            } catch (ConnectException closed) {
                // as it should be: nothing can create cgroups or write the database any more
            }
        }
        synchronized (started) {
            for (Process p : started) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
        killAndRemove(baseDir);
        deleteTree(dataDir);
        assertThat(baseDir).as("the cgroup base must be gone after the suite").doesNotExist();
        assertThat(dataDir).as("the data dir must be gone after the suite").doesNotExist();
    }

    /** Depth first: empty each cgroup (cgroup.kill, else SIGKILL its pids), then rmdir it. */
    static void killAndRemove(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path child : s.filter(Files::isDirectory).toList()) {
                killAndRemove(child);
            }
        }
        Path kill = dir.resolve("cgroup.kill");
        if (Files.exists(kill)) {
            Files.writeString(kill, "1");
        } else {
            for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!pid.isBlank()) {
                    new ProcessBuilder("kill", "-9", pid.trim()).start().waitFor();
                }
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                Files.delete(dir);
                return;
            } catch (IOException busy) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not remove " + dir + " (still populated?)", busy);
                }
                Thread.sleep(20);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The cgroup v2 mount, read from mountinfo independently of boxd's own lookup. */
    static Path cgroup2Mount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] halves = line.split(" - ", 2);
                if (halves.length == 2 && halves[1].startsWith("cgroup2 ")) {
                    return Path.of(halves[0].split(" ")[4]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no cgroup2 mount in /proc/self/mountinfo; these tests need cgroup v2");
    }

    /** The cgroup v2 path of a process, from {@code /proc/<pid>/cgroup} ({@code 0::/x/y}). */
    static String cgroupOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            if (line.startsWith("0::")) {
                return line.substring(3);
            }
        }
        return null;
    }

    /** True while the pid exists and is not a zombie. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = stat.lastIndexOf(')');
            String state = stat.substring(close + 2, close + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException gone) {
            return false;
        }
    }
}
