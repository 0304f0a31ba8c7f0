package io.boxd.cgroup;

import io.boxd.driver.DriverException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A cgroup and everything under it, as both drivers reap it: its processes, whether it is empty,
 * a signal to all of it, and the kill that leaves it empty. The drivers differ in how a box's
 * cgroup is made and removed (mkdir, or a systemd unit), not in how its processes die, so this is
 * written once. Paths are relative to the mount, as {@link CgroupFs} takes them.
 */
public final class CgroupTree {

    /** A kill that leaves a process behind for this long is sent again, with a signal to each pid. */
    private static final Duration KILL_AGAIN_AFTER = Duration.ofMillis(200);

    private final CgroupFs fs;
    private final Procs procs;

    public CgroupTree(CgroupFs fs, Procs procs) {
        this.fs = fs;
        this.procs = procs;
    }

    /** Every pid in the cgroup and its descendants. */
    public List<Integer> pids(String rel) {
        List<Integer> out = new ArrayList<>(fs.read(rel, "cgroup.procs").map(KernelText::pids).orElse(List.of()));
        for (String child : children(rel)) {
            out.addAll(pids(rel + "/" + child));
        }
        return out;
    }

    /**
     * Child cgroups. A box seldom has any on cgroupfs, and {@code cgroup.stat} says so in one
     * read, where listing the directory costs a stat per file.
     */
    public List<String> children(String rel) {
        Long descendants = fs.read(rel, "cgroup.stat").map(KernelText::flatKeyed).map(m -> m.get("nr_descendants")).orElse(null);
        return descendants != null && descendants == 0 ? List.of() : fs.children(rel);
    }

    /** {@code populated} in {@code cgroup.events}; a cgroup that is gone is empty. */
    public boolean populated(String rel) {
        return fs.read(rel, "cgroup.events").map(KernelText::flatKeyed)
                .map(m -> m.getOrDefault("populated", 0L) != 0L).orElse(false);
    }

    /** Waits until {@code cgroup.events} says {@code populated 0} (or the cgroup is gone). */
    public boolean awaitEmpty(String rel, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long sleep = 20;
        while (populated(rel)) {
            long now = System.nanoTime();
            if (now > deadline) {
                return false;
            }
            Spawner.sleepMicros(sleep);
            // A killed box usually empties within a millisecond: poll closely (one small read
            // each) for the first 5 ms, then back off.
            sleep = Math.min(sleep * 2, now - start < 5_000_000 ? 100 : 1_000);
        }
        return true;
    }

    /** Sends every process in the tree SIGKILL or SIGTERM; how many pids there were. */
    public int signal(String rel, boolean kill) {
        List<Integer> pids = pids(rel);
        pids.forEach(pid -> procs.signal(pid, kill));
        return pids.size();
    }

    /**
     * Kills every process in the tree and waits until it is empty. {@code cgroup.kill} (when the
     * kernel has it) is written again while anything is left: a process forked at the very
     * moment of a kill can escape it (seen once in CI: a sleep double-forked by a shell that was
     * starting as the kill ran outlived it by 5 s). From the second round on, and on kernels
     * without {@code cgroup.kill}, every pid is also signalled, frozen: {@code cgroup.kill}
     * passes over a process whose main thread has exited (pthread_exit) while its other threads
     * run (seen on 6.18).
     */
    public void kill(String rel, boolean hasKill, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int round = 0; ; round++) {
            if (hasKill) {
                fs.write(rel, "cgroup.kill", "1");
            }
            if (!hasKill || round > 0) {
                freezeAndKill(rel);
            }
            long left = deadline - System.nanoTime();
            if (awaitEmpty(rel, Duration.ofNanos(Math.max(0, Math.min(left, KILL_AGAIN_AFTER.toNanos()))))) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new DriverException("processes still alive in " + fs.resolve(rel) + " " + timeout.toMillis()
                        + " ms after the kill: " + pids(rel));
            }
        }
    }

    /** Freeze so nothing forks, SIGKILL every pid, thaw. */
    private void freezeAndKill(String rel) {
        boolean frozen = fs.fileExists(rel, "cgroup.freeze");
        if (frozen) {
            fs.write(rel, "cgroup.freeze", "1");
        }
        try {
            signal(rel, true);
        } finally {
            if (frozen) {
                fs.write(rel, "cgroup.freeze", "0");
            }
        }
    }
}
