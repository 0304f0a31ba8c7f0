package io.boxd.cgroup;

import io.boxd.driver.SpawnFailedException;
import io.boxd.driver.SpawnSpec;
import io.boxd.driver.SpawnedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts a process that is inside its cgroup before it runs any code of its own: through
 * {@link SpawnServers} when perl is there (the default), else as follows. A tiny
 * {@code /bin/sh} wrapper writes its own pid to {@code cgroup.procs}, says "placed" on a pipe
 * (its stderr) and waits for a "go" on stdin; boxd checks {@code /proc/<pid>/cgroup}, and only
 * then lets the wrapper {@code exec} the target (through {@code setpriv} when a uid/gid is asked
 * for), with stderr joined to the log. A failed move never runs the target. The handshake means
 * boxd waits exactly as long as the shell takes to start, instead of polling {@code /proc}.
 */
public final class Spawner {

    static final int EXIT_ATTACH_FAILED = 125;
    static final int EXIT_NOT_RELEASED = 126;
    static final String PLACED = "placed";

    /** Kills a wrapper that has not said "placed" in time; that closes its pipe and ends the wait. */
    static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "boxd-spawn-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** $0 is the cgroup.procs path; "$@" is the target argv. */
    static final String WRAPPER = "echo $$ > \"$0\" || exit " + EXIT_ATTACH_FAILED
            + "; echo " + PLACED + " >&2"
            + "; read -r go || exit " + EXIT_NOT_RELEASED
            + "; [ \"$go\" = go ] || exit " + EXIT_NOT_RELEASED
            + "; exec \"$@\" </dev/null 2>&1";

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Procs procs;
    private final Duration attachTimeout;
    private final Optional<SpawnServers> servers;

    /** {@code useServers}: fork through perl spawn servers when one starts, else the shell wrapper. */
    Spawner(Procs procs, Duration attachTimeout, boolean useServers) {
        this.procs = procs;
        this.attachTimeout = attachTimeout;
        this.servers = useServers ? SpawnServers.start(attachTimeout.toMillis()) : Optional.empty();
    }

    /** "spawn-server" or "shell": how processes are started, for the logs. */
    String launcher() {
        return servers.isPresent() ? "spawn-server" : "shell";
    }

    void close() {
        servers.ifPresent(SpawnServers::close);
    }

    /** The spawn server the next spawn uses, when it runs. */
    OptionalLong serverPid() {
        return servers.map(SpawnServers::nextPid).orElse(OptionalLong.empty());
    }

    /** The full command line: wrapper, cgroup.procs path, optional privilege drop, target argv. */
    static List<String> command(Path cgroupProcs, SpawnSpec spec) {
        return withTarget(List.of("/bin/sh", "-c", WRAPPER, cgroupProcs.toString()), spec);
    }

    /** {@code wrapper} followed by the target argv, through {@code setpriv} when a uid or gid is asked for. */
    public static List<String> withTarget(List<String> wrapper, SpawnSpec spec) {
        List<String> cmd = new ArrayList<>(wrapper);
        if (spec.uid() != null || spec.gid() != null) {
            cmd.add("/usr/bin/setpriv");
            if (spec.uid() != null) {
                cmd.add("--reuid=" + spec.uid());
            }
            if (spec.gid() != null) {
                cmd.add("--regid=" + spec.gid());
            }
            cmd.add("--clear-groups");
            cmd.add("--");
        }
        cmd.addAll(spec.argv());
        return cmd;
    }

    /**
     * A process for {@code cmd} with the spec's environment and cwd, and stdout appended to the
     * box's log file (whose directory it makes); stderr is the caller's to choose.
     */
    public static ProcessBuilder builder(List<String> cmd, SpawnSpec spec, String boxId) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        environment(pb.environment(), spec, boxId);
        if (spec.cwd() != null) {
            pb.directory(spec.cwd().toFile());
        }
        try {
            Files.createDirectories(spec.logFile().getParent());
        } catch (IOException e) {
            throw new SpawnFailedException("cannot create log directory " + spec.logFile().getParent() + ": " + e.getMessage(), e);
        }
        return pb.redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
    }

    /** The environment: exactly the request's, plus PATH when it gives none, plus BOXD_BOX_ID. */
    static void environment(Map<String, String> target, SpawnSpec spec, String boxId) {
        target.clear();
        if (spec.env() != null) {
            target.putAll(spec.env());
        }
        target.putIfAbsent("PATH", DEFAULT_PATH);
        target.put("BOXD_BOX_ID", boxId);
    }

    SpawnedProcess spawn(String boxId, Path cgroupProcs, String expectedCgroup, SpawnSpec spec) {
        if (servers.isPresent()) {
            Instant startedAt = Instant.now();
            int pid = servers.get().spawn(boxId, cgroupProcs, spec, p -> misplaced(p, expectedCgroup));
            return new SpawnedProcess(pid, List.copyOf(spec.argv()), startedAt);
        }
        ProcessBuilder pb = builder(command(cgroupProcs, spec), spec, boxId).redirectError(ProcessBuilder.Redirect.PIPE);
        Instant startedAt = Instant.now();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new SpawnFailedException("cannot start " + spec.argv() + ": " + e.getMessage(), e);
        }
        int pid = (int) p.pid();
        try {
            awaitPlacement(p, pid, expectedCgroup);
            try (OutputStream release = p.getOutputStream()) {
                release.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            reap(p);
            if (e instanceof SpawnFailedException sfe) {
                throw sfe;
            }
            throw new SpawnFailedException("cannot release pid " + pid + " in " + expectedCgroup + ": " + e.getMessage(), e);
        }
        return new SpawnedProcess(pid, List.copyOf(spec.argv()), startedAt);
    }

    /**
     * Waits for the wrapper's "placed" (it is then blocked on stdin), then checks
     * {@code /proc/<pid>/cgroup}. A wrapper that dies first, or says anything else, has failed.
     */
    private void awaitPlacement(Process p, int pid, String expectedCgroup) throws IOException {
        String said;
        boolean timedOut;
        ScheduledFuture<?> timeout = WATCHDOG.schedule(p::destroyForcibly, attachTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try (InputStream err = p.getErrorStream()) {
            said = firstLine(err);
        } finally {
            timedOut = !timeout.cancel(false);
        }
        if (!PLACED.equals(said)) {
            reap(p);
            String why = timedOut || p.isAlive() ? "was not placed after " + attachTimeout.toMillis() + " ms; killed it"
                    : p.exitValue() == EXIT_ATTACH_FAILED ? "could not join " + expectedCgroup + " (write to cgroup.procs failed)"
                    : "exited with " + p.exitValue() + " before it was placed";
            throw new SpawnFailedException("wrapper pid " + pid + " " + why
                    + (said == null || said.isEmpty() ? "" : " (" + said + ")") + "; the target was not run");
        }
        String wrong = misplaced(pid, expectedCgroup);
        if (wrong != null) {
            throw new SpawnFailedException(wrong + "; killed it before it ran the target");
        }
    }

    /** Null when {@code /proc/<pid>/cgroup} names the expected cgroup, else why not. */
    private String misplaced(int pid, String expectedCgroup) {
        Optional<String> where = procs.cgroupOf(pid);
        return where.isPresent() && where.get().equals(expectedCgroup) ? null
                : "pid " + pid + " is in " + where.orElse("?") + ", not " + expectedCgroup + ", after it wrote cgroup.procs";
    }

    /** The first line, without its newline; null at end of stream before any byte. */
    static String firstLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (line.length() < 512) {
                line.append((char) c);
            }
        }
        return c == -1 && line.length() == 0 ? null : line.toString();
    }

    private static void reap(Process p) {
        try {
            p.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sleeps about {@code micros}. Not {@code TimeUnit.sleep}: on JDK 17 that rounds any
     * sub-millisecond sleep up to a whole millisecond, which made every kill wait at least 1 ms.
     */
    public static void sleepMicros(long micros) {
        java.util.concurrent.locks.LockSupport.parkNanos(micros * 1000);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
