package io.boxd.api;

import io.boxd.testkit.Http;
import io.boxd.testkit.Kernel;
import io.boxd.testkit.Scratch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One test class's private world: its {@link Scratch} (a unique cgroup base under the real cgroup
 * v2 mount and a temp data dir) and the processes the test started. {@link #close}, after the
 * server is shut, kills them and removes the scratch, and fails when anything survives.
 */
final class Sandbox {

    private final Scratch scratch;
    final String base;
    final Path mount;
    final Path baseDir;
    private final List<Process> started = new ArrayList<>();
    private volatile int port;
    private boolean tmpfs;

    private Sandbox(String name) {
        this.scratch = Scratch.create("test-" + name);
        this.base = scratch.base;
        this.mount = Kernel.mount();
        this.baseDir = scratch.baseDir;
    }

    static Sandbox create(String name) {
        return new Sandbox(name);
    }

    /** The sandbox in {@code testClass}'s static field: each class has its own. */
    static Sandbox of(Class<?> testClass) {
        for (Field f : testClass.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Sandbox.class) {
                try {
                    f.setAccessible(true);
                    return (Sandbox) f.get(null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException(testClass.getName() + " has no static Sandbox field");
    }

    /** What points the server here. */
    Map<String, String> settings() {
        return scratch.settings();
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

    Path dataDir() {
        return scratch.dataDir;
    }

    /** The data dir as {@code mkdir -p data} leaves it under umask 022 (a temp dir starts rwx------). */
    Sandbox withDataDirOpenToOthers() {
        try {
            Files.setPosixFilePermissions(scratch.dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The data dir on a tmpfs of {@code size} (mount's syntax, e.g. {@code 16m}), so a test can fill it; unmounted by {@link #close}. */
    Sandbox withDataDirOnTmpfs(String size) {
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", scratch.dataDir.toString());
        tmpfs = true;
        return this;
    }

    static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
        try {
            if (tmpfs) {
                // Boxes first: one may hold a file open on it.
                Kernel.killAndRemove(baseDir);
                run("umount", scratch.dataDir.toString());
            }
        } finally {
            scratch.remove();
        }
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
