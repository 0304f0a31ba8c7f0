package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import io.boxd.testkit.Kernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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
        this.mount = Kernel.mount();
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
        return Kernel.dirs(baseDir);
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
        Kernel.killAndRemove(baseDir);
        Kernel.deleteTree(dataDir);
        assertThat(baseDir).as("the cgroup base must be gone after the suite").doesNotExist();
        assertThat(dataDir).as("the data dir must be gone after the suite").doesNotExist();
    }

    /** The cgroup v2 path of a process, from {@code /proc/<pid>/cgroup} ({@code 0::/x/y}). */
    static String cgroupOf(long pid) {
        return Kernel.cgroupOf(pid);
    }

    /** True while the pid exists and is not a zombie. */
    static boolean alive(long pid) {
        return Kernel.identify(pid).isPresent();
    }
}
