package io.boxd.systemd;

import io.boxd.cgroup.PidsRoom;
import io.boxd.cgroup.Procs;
import io.boxd.cgroup.Spawner;
import io.boxd.driver.SpawnFailedException;
import io.boxd.driver.SpawnSpec;
import io.boxd.driver.SpawnedProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Starts a process that is in its box before it runs any code of its own, with systemd doing
 * the move. A {@code /bin/sh} wrapper blocks on stdin; boxd asks systemd for a scope holding the
 * wrapper's pid, checks {@code /proc/<pid>/cgroup}, and only then sends "go", on which the
 * wrapper {@code exec}s the target (the request's environment and cwd follow the "go"; see
 * {@link Spawner}). If anything fails the wrapper is killed and the target never runs.
 */
final class SystemdSpawner {

    static final int EXIT_NOT_RELEASED = 126;

    /**
     * "$@" is the rest of the chain ({@link Spawner#withTarget}); the wrapper touches nothing
     * before it is released, and leaves the rest of stdin (the request's cwd and environment) to
     * the last stage, which runs under the target's uid.
     */
    static final String WRAPPER = "read -r go || exit " + EXIT_NOT_RELEASED
            + "; [ \"$go\" = go ] || exit " + EXIT_NOT_RELEASED
            + "; exec \"$@\"";

    private final Procs procs;

    SystemdSpawner(Procs procs) {
        this.procs = procs;
    }

    static List<String> command(SpawnSpec spec) {
        return Spawner.withTarget(List.of("/bin/sh", "-c", WRAPPER, "boxd-spawn"), spec);
    }

    /**
     * @param place asks systemd to put the pid in the box (throws when it could not)
     * @param cgroupPrefix the box's cgroup path as {@code /proc/<pid>/cgroup} shows it
     * @param requireRoom given the cgroup the pid was moved to (as {@code /proc} shows it), throws
     *                    if that or a cgroup above has no room for it ({@link PidsRoom#require}): a
     *                    move is not held to pids.max
     */
    SpawnedProcess spawn(String boxId, SpawnSpec spec, IntConsumer place, String cgroupPrefix, Consumer<String> requireRoom) {
        ProcessBuilder pb = Spawner.builder(command(spec), spec, boxId).redirectErrorStream(true);
        Instant startedAt = Instant.now();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new SpawnFailedException("cannot start " + spec.argv() + ": " + e.getMessage(), e);
        }
        int pid = (int) p.pid();
        try {
            place.accept(pid);
            Optional<String> where = procs.cgroupOf(pid);
            if (where.isEmpty() || !where.get().startsWith(cgroupPrefix + "/")) {
                throw new SpawnFailedException("pid " + pid + " is in " + where.orElse("?") + ", not under " + cgroupPrefix
                        + ", after systemd placed it; killed it before it ran the target");
            }
            requireRoom.accept(where.get());
            try (OutputStream release = p.getOutputStream()) {
                release.write(Spawner.release(spec, boxId));
            }
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            try {
                p.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof SpawnFailedException sfe) {
                throw sfe;
            }
            throw new SpawnFailedException("could not place pid " + pid + " of " + spec.argv() + " in box " + boxId
                    + " through systemd; the target was not run: " + e.getMessage(), e);
        }
        return new SpawnedProcess(pid, List.copyOf(spec.argv()), startedAt);
    }
}
