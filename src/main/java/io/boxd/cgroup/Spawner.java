package io.boxd.cgroup;

import io.boxd.driver.SpawnFailedException;
import io.boxd.driver.SpawnSpec;
import io.boxd.driver.SpawnedProcess;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts a process that is inside its cgroup before it runs any code of its own: through
 * {@link SpawnServers} (the default: the native one where boxd was built with it, else perl),
 * else as follows. A tiny {@code /bin/sh} wrapper writes its own pid to {@code cgroup.procs},
 * says "placed" on a pipe (its stderr) and waits for a "go" on stdin; boxd checks
 * {@code /proc/<pid>/cgroup}, and only then lets the wrapper {@code exec} the target (through
 * {@code setpriv} when a uid/gid is asked for), with stderr joined to the log. A failed move never
 * runs the target. The handshake means boxd waits exactly as long as the shell takes to start,
 * instead of polling {@code /proc}.
 *
 * <p>Everything before the target runs as boxd's user (root, usually) with a fixed environment:
 * the request's environment could hold {@code LD_PRELOAD} or {@code GLIBC_TUNABLES}, which the
 * loader honours for the wrapper, {@code setpriv} and any shell alike. So the request's
 * environment and working directory travel on stdin after the "go", and the last stage, already
 * under the target's uid and in the box, applies them just before its {@code exec}: the same
 * order as the spawn server's.
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
            + "; exec \"$@\" 2>&1";

    /**
     * The last stage, under the target's uid and inside the box: reads the request's working
     * directory and environment from stdin ({@link #release}), then execs the target. Its own
     * environment is {@link #wrapperEnvironment}. Shell builtins only: a {@code cat} would be a
     * second process in the box for a moment, seen by a GET processes right after the spawn.
     */
    static final String TARGET_STAGE = "exec 2>&1; s=; while IFS= read -r l; do s=\"$s$l\n\"; done;"
            + " eval \"$s\" || exit 127; exec \"$@\" </dev/null";

    private static final java.util.regex.Pattern ENV_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final FileAttribute<Set<PosixFilePermission>> LOG_FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));

    /** Where every spawner runs, and so what a box process inherits as its working directory. */
    static final File ROOT_DIR = new File("/");

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Procs procs;
    private final Duration attachTimeout;
    private final Optional<SpawnServers> servers;

    /**
     * {@code useServers}: fork through spawn servers when one starts (the native one first, run
     * from {@code nativeDir}, when that is given), else through the shell wrapper.
     */
    Spawner(Procs procs, Duration attachTimeout, boolean useServers, Path nativeDir) {
        this.procs = procs;
        this.attachTimeout = attachTimeout;
        this.servers = useServers ? SpawnServers.start(attachTimeout.toMillis(), nativeDir) : Optional.empty();
    }

    /** "native spawn server", "perl spawn server" or "shell wrapper": how processes are started. */
    String launcher() {
        return servers.map(SpawnServers::kind).orElse("shell wrapper");
    }

    void close() {
        servers.ifPresent(SpawnServers::close);
    }

    /** The spawn servers that run now (none with the shell wrapper). */
    Set<Long> serverPids() {
        return servers.map(SpawnServers::pids).orElse(Set.of());
    }

    /** The spawn server the next spawn uses, when it runs. */
    OptionalLong serverPid() {
        return servers.map(SpawnServers::nextPid).orElse(OptionalLong.empty());
    }

    /** The full command line: wrapper, cgroup.procs path, optional privilege drop, target argv. */
    static List<String> command(Path cgroupProcs, SpawnSpec spec) {
        return withTarget(List.of("/bin/sh", "-c", WRAPPER, cgroupProcs.toString()), spec);
    }

    /**
     * {@code wrapper}, then {@code setpriv} when a uid or gid is asked for, then the
     * {@link #TARGET_STAGE} shell, then the target argv.
     */
    public static List<String> withTarget(List<String> wrapper, SpawnSpec spec) {
        List<String> cmd = new ArrayList<>(wrapper);
        // A session of its own, not boxd's terminal. No fork: a child of the JVM is no group leader.
        cmd.add("/usr/bin/setsid");
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
        cmd.addAll(List.of("/bin/sh", "-c", TARGET_STAGE, "boxd-target"));
        cmd.addAll(spec.argv());
        return cmd;
    }

    /**
     * A process for {@code cmd} with {@link #wrapperEnvironment}, boxd's working directory and
     * stdout appended to the box's log file (which it makes if missing); stderr is the caller's to
     * choose. The request's environment and cwd come later, through {@link #release}.
     */
    public static ProcessBuilder builder(List<String> cmd, SpawnSpec spec, String boxId) {
        // In /, not boxd's working directory: a cwd that is a symlink into /proc/self leads to the
        // working directory the process inherited (the request's cwd is checked only by name).
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT_DIR);
        pb.environment().clear();
        pb.environment().putAll(wrapperEnvironment());
        ensureLogFile(spec);
        return pb.redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
    }

    /**
     * Makes the log file {@code rw-r-----} if it is missing (boxes run as other users, and one box
     * must not read another's output), and its directory if that is missing too. One stat when it
     * exists, as it does from a box's second spawn on.
     */
    static void ensureLogFile(SpawnSpec spec) {
        Path file = spec.logFile();
        if (Files.exists(file)) {
            return;
        }
        try {
            try {
                Files.createFile(file, LOG_FILE_MODE);
            } catch (NoSuchFileException noDirectory) {
                Files.createDirectories(file.getParent());
                Files.createFile(file, LOG_FILE_MODE);
            }
        } catch (FileAlreadyExistsException raced) {
            // another spawn into the same box made it first
        } catch (IOException e) {
            throw new SpawnFailedException("cannot create log file " + file + ": " + e.getMessage(), e);
        }
    }

    /** What the wrapper stages run with, whatever the request asked for. */
    static Map<String, String> wrapperEnvironment() {
        return Map.of("PATH", DEFAULT_PATH);
    }

    /**
     * What releases a placed wrapper: "go", then the script {@link #TARGET_STAGE} evaluates, which
     * enters the request's cwd (if any), drops the variables the shell set itself, and exports
     * exactly {@link #environment}. Every value is single-quoted, and names must be plain
     * identifiers, so nothing in a request is ever parsed as shell.
     */
    public static byte[] release(SpawnSpec spec, String boxId) {
        StringBuilder script = new StringBuilder("go\n");
        if (spec.cwd() != null) {
            script.append("cd -- ").append(quote(spec.cwd().toString())).append(" || exit 127\n");
        }
        script.append("unset OLDPWD PWD\n");
        environment(spec, boxId).forEach((k, v) -> {
            if (!ENV_NAME.matcher(k).matches()) {
                throw new SpawnFailedException("environment name is not a plain identifier: " + k);
            }
            script.append("export ").append(k).append('=').append(quote(v)).append('\n');
        });
        return script.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String quote(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new SpawnFailedException("NUL in a spawn path or environment value");
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The environment, in the request's order: exactly the request's, plus PATH when it gives none, plus BOXD_BOX_ID. */
    static Map<String, String> environment(SpawnSpec spec, String boxId) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        if (spec.env() != null) {
            env.putAll(spec.env());
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.put("BOXD_BOX_ID", boxId);
        return env;
    }

    /**
     * @param requireRoom after a move, throws if the box has no room for the process
     *                    ({@link PidsRoom#require}); the spawn servers check that themselves
     */
    SpawnedProcess spawn(String boxId, Path cgroupProcs, String expectedCgroup, SpawnSpec spec, Runnable requireRoom) {
        if (servers.isPresent()) {
            Instant startedAt = Instant.now();
            int pid = servers.get().spawn(boxId, cgroupProcs, expectedCgroup, spec);
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
            requireRoom.run();
            try (OutputStream release = p.getOutputStream()) {
                release.write(release(spec, boxId));
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
