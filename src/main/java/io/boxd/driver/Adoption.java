package io.boxd.driver;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which processes a box may take in, decided before anything is written to {@code cgroup.procs}.
 * A box's kill reaps everything in it, and the kernel moves almost any process on request (a
 * kernel thread like {@code kswapd0} included), so boxd refuses the processes a kill must never
 * reach (boxd, its ancestors, its spawn servers, init) or cannot reach (kernel threads, init: the box could then never
 * be emptied or removed), those that belong to another box, thread ids, whose write would move
 * their whole process under a number that is not its pid, and a process whose main thread has
 * exited outside the box while others run on, which the kernel moves only in part.
 */
public final class Adoption {

    private Adoption() {
    }

    /**
     * What {@code /proc} says of a candidate: its thread-group id (its process's pid; equal to
     * {@code pid} unless {@code pid} names a thread), whether it is a kernel thread, its cgroup v2
     * path as boxd sees it (as its live threads see it), and, when its process's main thread has
     * exited while other threads run on (pthread_exit), the cgroup that zombie main thread stays in.
     */
    public record Candidate(int pid, int tgid, boolean kernelThread, String cgroup, String exitedMainThreadCgroup) {

        /** A process whose main thread runs. */
        public Candidate(int pid, int tgid, boolean kernelThread, String cgroup) {
            this(pid, tgid, kernelThread, cgroup, null);
        }

        /** Whether its live threads are in the box whose cgroup is {@code boxCgroup}, or in a child of it. */
        public boolean in(String boxCgroup) {
            return inside(cgroup, boxCgroup);
        }
    }

    /**
     * boxd's own pid, its ancestors' (parent, grandparent, ... up to init) and its helpers': the
     * processes it runs for itself, such as its spawn servers.
     */
    public record Self(long pid, Set<Long> ancestors, Set<Long> helpers) {

        public static Self current() {
            return current(Set.of());
        }

        public static Self current(Set<Long> helpers) {
            ProcessHandle me = ProcessHandle.current();
            Set<Long> up = new HashSet<>();
            Optional<ProcessHandle> p = me.parent();
            for (int i = 0; p.isPresent() && i < 4096 && up.add(p.get().pid()); i++) {
                p = p.get().parent();
            }
            return new Self(me.pid(), Set.copyOf(up), Set.copyOf(helpers));
        }
    }

    /**
     * Why {@code c} may not join the box whose cgroup is {@code boxCgroup} (a path like
     * {@code /boxlite/a1}; the boxes are its parent's children), or empty when it may. A process
     * already in this box may be adopted again.
     */
    public static Optional<String> refusal(Candidate c, Self self, String boxCgroup) {
        int pid = c.pid();
        if (c.kernelThread()) {
            return Optional.of("pid " + pid + " is a kernel thread: cgroup.kill cannot reap it, so the box could never be emptied");
        }
        if (c.tgid() == 1) {
            return Optional.of("pid 1 is init of boxd's pid namespace: a kill cannot reap it, and nothing may kill it");
        }
        if (c.tgid() == self.pid()) {
            return Optional.of("pid " + pid + " is boxd itself");
        }
        if (self.ancestors().contains((long) c.tgid())) {
            return Optional.of("pid " + pid + " is an ancestor of boxd: the box's kill would reach what runs boxd");
        }
        if (self.helpers().contains((long) c.tgid())) {
            return Optional.of("pid " + pid + " is boxd's spawn server: every box's processes start through it, so a box's "
                    + "limits would starve them and its kill would end it");
        }
        String base = parent(boxCgroup);
        if (!inside(c.cgroup(), boxCgroup) && !base.isEmpty() && c.cgroup().startsWith(base + "/")) {
            return Optional.of("pid " + pid + " belongs to another box (it is in " + c.cgroup() + ")");
        }
        if (c.exitedMainThreadCgroup() != null && !inside(c.exitedMainThreadCgroup(), boxCgroup)) {
            // Seen on the real kernel: the threads that run move, the exited main thread stays
            // behind, and /proc/<pid>/cgroup (the main thread's) still names the old cgroup.
            return Optional.of(mainThreadExited(c.tgid()));
        }
        if (c.tgid() != pid) {
            return Optional.of("pid " + pid + " is a thread of process " + c.tgid() + ": adopt the process, " + c.tgid());
        }
        return Optional.empty();
    }

    /** Why a process whose main thread has exited outside the box is not taken. */
    public static String mainThreadExited(int tgid) {
        return "process " + tgid + " runs on without its main thread, which has exited (pthread_exit): "
                + "the kernel would move its other threads but not the exited one, leaving the process half in the box";
    }

    private static boolean inside(String cgroup, String box) {
        return cgroup.equals(box) || cgroup.startsWith(box + "/");
    }

    private static String parent(String cgroup) {
        int slash = cgroup.lastIndexOf('/');
        return slash <= 0 ? "" : cgroup.substring(0, slash);
    }
}
