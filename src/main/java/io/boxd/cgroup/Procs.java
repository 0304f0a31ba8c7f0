package io.boxd.cgroup;

import io.boxd.driver.Adoption;
import io.boxd.driver.NoSuchProcessException;
import io.boxd.driver.NotAdoptableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
     * What {@link Adoption} needs to know of {@code pid}, or empty when it has gone. Its process
     * (not the thread) is judged: the kernel moves the whole thread group.
     */
    public Optional<Adoption.Candidate> candidate(int pid) {
        Optional<String> stat = read(pid, "stat");
        Optional<String> status = read(pid, "status");
        Optional<String> cgroup = cgroupOf(pid);
        if (stat.isEmpty() || status.isEmpty() || cgroup.isEmpty()) {
            return Optional.empty();
        }
        boolean kthread = (KernelText.statFlags(stat.get()).orElse(0L) & Adoption.PF_KTHREAD) != 0;
        return Optional.of(new Adoption.Candidate(pid, KernelText.tgid(status.get()).orElse(pid), kthread, cgroup.get()));
    }

    /**
     * Throws unless {@code pid} lives and may join the box at {@code boxCgroup} (a path as
     * {@link #cgroupOf} gives it): {@link NoSuchProcessException} or {@link NotAdoptableException}.
     */
    public void requireAdoptable(int pid, String boxCgroup) {
        if (!alive(pid)) {
            throw new NoSuchProcessException(pid);
        }
        Adoption.Candidate c = candidate(pid).orElseThrow(() -> new NoSuchProcessException(pid));
        Adoption.refusal(c, Adoption.Self.current(), boxCgroup).ifPresent(why -> {
            throw new NotAdoptableException(why);
        });
    }

    public boolean alive(int pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
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
