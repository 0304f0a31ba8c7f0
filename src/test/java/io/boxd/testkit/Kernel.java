package io.boxd.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test sees of the real kernel, read independently of boxd (the one copy every kernel
 * test shares): the cgroup v2 mount, the
 * box directories under a base, which processes live where, and a cleanup that leaves nothing.
 */
public final class Kernel {

    private Kernel() {
    }

    /** A process identity that survives pid reuse: the pid and its start time (field 22 of /proc/pid/stat). */
    public record Pid(long pid, long startTicks) {
        @Override
        public String toString() {
            return Long.toString(pid);
        }
    }

    /** The cgroup v2 mount, read from mountinfo ({@code /sys/fs/cgroup/unified} on this hybrid host). */
    public static Path mount() {
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
        throw new IllegalStateException("no cgroup2 mount in /proc/self/mountinfo; these tests need cgroup v2 as root");
    }

    /** The cgroup v2 path of a process, from {@code /proc/<pid>/cgroup} ({@code 0::/x/y}); null when it is gone. */
    public static String cgroupOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                if (line.startsWith("0::")) {
                    return line.substring(3);
                }
            }
        } catch (IOException gone) {
            // exited
        }
        return null;
    }

    /** Names of the directories directly under {@code dir} (the boxes under a base). */
    public static Set<String> dirs(Path dir) {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The inode numbers that this JVM's inotify instances watch, from {@code /proc/self/fdinfo}
     * ({@code inotify wd:1 ino:1a2b ...}, the inode in hex): what the kernel holds, whatever
     * Java's WatchService believes.
     */
    public static Set<Long> inotifyWatchedInodes() {
        Set<Long> out = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closed) {
                    continue;
                }
                if (!target.equals("anon_inode:inotify")) {
                    continue;
                }
                try {
                    for (String l : Files.readAllLines(Path.of("/proc/self/fdinfo").resolve(fd.getFileName()))) {
                        int at = l.indexOf(" ino:");
                        if (l.startsWith("inotify ") && at > 0) {
                            int end = l.indexOf(' ', at + 5);
                            out.add(Long.parseLong(l.substring(at + 5, end < 0 ? l.length() : end), 16));
                        }
                    }
                } catch (IOException closed) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The inode number of a file or directory. */
    public static long inode(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean populated(Path cgroup) {
        try {
            return Files.readString(cgroup.resolve("cgroup.events")).contains("populated 1");
        } catch (IOException gone) {
            return false;
        }
    }

    /** The pids in one cgroup (not its children). */
    public static List<Long> procs(Path cgroup) {
        List<Long> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                if (!l.isBlank()) {
                    out.add(Long.parseLong(l.trim()));
                }
            }
        } catch (IOException gone) {
            // no such cgroup: no pids
        }
        return out;
    }

    /** The identity of a live pid, or empty when it is gone (or a zombie). */
    public static Optional<Pid> identify(long pid) {
        return stat(pid).filter(f -> !f[0].equals("Z") && !f[0].equals("X"))
                .map(f -> new Pid(pid, Long.parseLong(f[19])));
    }

    /** True while this very process (not a later one with the same pid) exists and is not a zombie. */
    public static boolean alive(Pid p) {
        return identify(p.pid()).map(now -> now.startTicks() == p.startTicks()).orElse(false);
    }

    /** The fields of {@code /proc/<pid>/status}, whitespace collapsed ("Uid" -> "65534 65534 65534 65534"). */
    public static Map<String, String> status(long pid) throws IOException {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int c = line.indexOf(':');
            if (c > 0) {
                out.put(line.substring(0, c), line.substring(c + 1).trim().replaceAll("\\s+", " "));
            }
        }
        return out;
    }

    /**
     * {@code /proc/<pid>/status} once the pid runs {@code name} (a launcher comes first), waiting
     * up to 10 s; fails when it never does.
     */
    public static Map<String, String> statusOnceItRuns(long pid, String name) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, String> s = status(pid);
        while (!name.equals(s.get("Name")) && System.nanoTime() < deadline) {
            sleep(5);
            s = status(pid);
        }
        if (!name.equals(s.get("Name"))) {
            throw new AssertionError("pid " + pid + " runs " + s.get("Name") + ", not " + name + ", after 10 s");
        }
        return s;
    }

    /** Fields of /proc/pid/stat from the state on (index 0 = state, 19 = starttime). */
    private static Optional<String[]> stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Optional.of(s.substring(s.lastIndexOf(')') + 2).trim().split(" "));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** Every live process on the host whose cgroup v2 path is under {@code /<base>/}: pid to path. */
    public static Map<Long, String> processesUnder(String base) {
        Map<Long, String> out = new HashMap<>();
        String prefix = "0::/" + base + "/";
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                try {
                    for (String line : Files.readAllLines(p.resolve("cgroup"))) {
                        if (line.startsWith(prefix) && identify(pid).isPresent()) {
                            out.put(pid, line.substring(3));
                        }
                    }
                } catch (IOException | UncheckedIOException gone) {
                    // exited while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Starts {@code sleep seconds} and moves it into {@code cgroup}; the caller owns the process. */
    public static Process sleepIn(Path cgroup, String seconds) throws IOException {
        Process p = new ProcessBuilder("sleep", seconds).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(p.pid()));
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    /** Depth first: empty each cgroup ({@code cgroup.kill}, else SIGKILL its pids), then rmdir it. Returns cgroups removed. */
    public static int killAndRemove(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path child : s.filter(Files::isDirectory).toList()) {
                n += killAndRemove(child);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path kill = dir.resolve("cgroup.kill");
            if (Files.exists(kill)) {
                Files.writeString(kill, "1");
            } else {
                procs(dir).forEach(Kernel::killHard);
            }
        } catch (IOException gone) {
            // removed meanwhile
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return n + 1;
            } catch (IOException busy) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not remove " + dir + " (still populated: " + procs(dir) + ")", busy);
                }
                if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(200)) {
                    // cgroup.kill passes over a process whose main thread has exited while others run.
                    procs(dir).forEach(Kernel::killHard);
                }
                sleep(10);
            }
        }
    }

    /** SIGKILL to a process; one whose main thread has exited still has a handle, and kill(2) of its pid reaches it. */
    static void killHard(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /**
     * argv of a perl whose main thread ends by the raw exit syscall (pthread_exit's), not
     * exit_group, while a thread sleeps on: the main thread stays a zombie while the process runs.
     * The syscall's number is 60 on x86-64 and 93 on the generic table (arm64, riscv64); the
     * calling test is skipped elsewhere.
     */
    public static List<String> mainThreadExits() {
        String arch = System.getProperty("os.arch");
        Assumptions.assumeTrue(List.of("amd64", "x86_64", "aarch64", "riscv64").contains(arch),
                "no exit syscall number known here for " + arch);
        int sysExit = arch.equals("amd64") || arch.equals("x86_64") ? 60 : 93;
        return List.of("perl", "-Mthreads", "-e",
                "threads->create(sub { sleep 300 }); select(undef, undef, undef, 0.2); syscall(" + sysExit + ", 0)");
    }

    /** Waits up to 2 s for the main thread of {@code pid} (a {@link #mainThreadExits()} process) to be a zombie. */
    public static void awaitMainThreadExited(long pid) throws IOException {
        for (int i = 0; i < 400 && !status(pid).get("State").startsWith("Z"); i++) {
            sleep(5);
        }
        String state = status(pid).get("State");
        if (!state.startsWith("Z")) {
            throw new AssertionError("the main thread of pid " + pid + " has not exited: State " + state);
        }
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
