package io.boxd.cgroup;

import io.boxd.driver.Adoption;
import io.boxd.driver.NoSuchProcessException;
import io.boxd.driver.NotAdoptableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** Reads {@code /proc/<pid>/...} and sends signals. Parsing lives in {@link KernelText}. */
public final class Procs {

    private final Path proc;

    public Procs(Path proc) {
        this.proc = proc;
    }

    /** The process's cgroup v2 path as it sees it, or empty when it has gone. */
    public Optional<String> cgroupOf(int pid) {
        return read(pid, "cgroup").flatMap(KernelText::unifiedPath);
    }

    public Optional<String> command(int pid) {
        return read(pid, "cmdline").map(KernelText::cmdline);
    }

    /**
     * Throws unless {@code pid} lives and may join the box at {@code boxCgroup} (a path as
     * {@link #cgroupOf} gives it): {@link NoSuchProcessException} (gone, or exited and not yet
     * reaped: the kernel takes a zombie's pid in {@code cgroup.procs} and moves nothing) or
     * {@link NotAdoptableException}. The process, not the thread, is judged: the kernel moves the
     * whole thread group.
     */
    public void requireAdoptable(int pid, String boxCgroup) {
        requireAdoptable(pid, boxCgroup, Set.of());
    }

    /** As above, where boxd runs {@code helpers} (its spawn servers) for itself. */
    public void requireAdoptable(int pid, String boxCgroup, Set<Long> helpers) {
        Optional<String> stat = read(pid, "stat");
        Optional<String> status = read(pid, "status");
        Optional<String> cgroup = cgroupOf(pid);
        if (stat.isEmpty() || status.isEmpty() || cgroup.isEmpty()) {
            throw new NoSuchProcessException(pid);
        }
        if (KernelText.exited(stat.get())) {
            throw new NoSuchProcessException("pid " + pid + " has exited: a zombie its parent has not reaped");
        }
        var c = new Adoption.Candidate(pid, KernelText.tgid(status.get()).orElse(pid), KernelText.kernelThread(stat.get()), cgroup.get());
        Adoption.refusal(c, Adoption.Self.current(helpers), boxCgroup).ifPresent(why -> {
            throw new NotAdoptableException(why);
        });
    }

    /** The process exists and has not exited: a zombie, which the kernel keeps until it is reaped, is not alive. */
    public boolean alive(int pid) {
        return read(pid, "stat").map(stat -> !KernelText.exited(stat)).orElse(false);
    }

    /** SIGTERM ({@code force=false}) or SIGKILL; a process that is gone is fine. */
    public void signal(int pid, boolean force) {
        ProcessHandle.of(pid).ifPresent(ph -> {
            if (force) {
                ph.destroyForcibly();
            } else {
                ph.destroy();
            }
        });
    }

    private Optional<String> read(int pid, String name) {
        try {
            // Lenient: a command line may hold any bytes (exec -a $'\xff'), and readString would
            // throw on them, which read as "process gone" and hid the process from the list.
            return Optional.of(new String(Files.readAllBytes(proc.resolve(Integer.toString(pid)).resolve(name)), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
