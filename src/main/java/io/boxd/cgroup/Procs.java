package io.boxd.cgroup;

import io.boxd.driver.Adoption;
import io.boxd.driver.NoSuchProcessException;
import io.boxd.driver.NotAdoptableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
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

    /** The command line; read through a live thread when the main thread has exited, whose own is empty. */
    public Optional<String> command(int pid) {
        Optional<String> own = read(pid, "cmdline").map(KernelText::cmdline);
        if (own.isEmpty() || !own.get().isEmpty()) {
            return own;
        }
        return liveTask(pid).filter(t -> t != pid).flatMap(t -> read(t, "cmdline")).map(KernelText::cmdline).or(() -> own);
    }

    /**
     * Throws unless {@code pid} lives and may join the box at {@code boxCgroup} (a path as
     * {@link #cgroupOf} gives it): {@link NoSuchProcessException} (gone, or exited and not yet
     * reaped: the kernel takes a zombie's pid in {@code cgroup.procs} and moves nothing) or
     * {@link NotAdoptableException}. The process, not the thread, is judged: the kernel moves the
     * whole thread group. A process whose main thread has exited while others run on is alive,
     * and refused.
     */
    public Adoption.Candidate requireAdoptable(int pid, String boxCgroup) {
        return requireAdoptable(pid, boxCgroup, Set.of());
    }

    /** As above, where boxd runs {@code helpers} (its spawn servers) for itself. */
    public Adoption.Candidate requireAdoptable(int pid, String boxCgroup, Set<Long> helpers) {
        Optional<String> stat = read(pid, "stat");
        Optional<String> status = read(pid, "status");
        Optional<Integer> live = liveTask(pid);
        Optional<String> cgroup = live.flatMap(this::cgroupOf);
        if (stat.isEmpty() || status.isEmpty()) {
            throw new NoSuchProcessException(pid);
        }
        if (live.isEmpty() || cgroup.isEmpty()) {
            if (KernelText.exited(stat.get())) {
                throw new NoSuchProcessException("pid " + pid + " has exited: a zombie its parent has not reaped");
            }
            throw new NoSuchProcessException(pid);
        }
        int tgid = KernelText.tgid(status.get()).orElse(pid);
        boolean mainThreadExited = tgid == pid ? live.get() != pid
                : read(tgid, "stat").map(KernelText::exited).orElse(false);
        String mainThreadCgroup = mainThreadExited ? cgroupOf(tgid).orElse("") : null;
        var c = new Adoption.Candidate(pid, tgid, KernelText.kernelThread(stat.get()), cgroup.get(), mainThreadCgroup);
        Adoption.refusal(c, Adoption.Self.current(helpers), boxCgroup).ifPresent(why -> {
            throw new NotAdoptableException(why);
        });
        return c;
    }

    /**
     * The process exists and has not exited. A zombie, which the kernel keeps until it is reaped,
     * is not alive; a process whose main thread has exited (pthread_exit) while others run is.
     */
    public boolean alive(int pid) {
        return liveTask(pid).isPresent();
    }

    /** The process's session id, or empty when it has gone. */
    public OptionalInt session(int pid) {
        return read(pid, "stat").map(KernelText::session).orElse(OptionalInt.empty());
    }

    /** {@code pid} while its main thread runs; else one of its threads that still runs; else empty. */
    Optional<Integer> liveTask(int pid) {
        Optional<String> stat = read(pid, "stat");
        if (stat.isEmpty()) {
            return Optional.empty();
        }
        if (!KernelText.exited(stat.get())) {
            return Optional.of(pid);
        }
        Path tasks = proc.resolve(Integer.toString(pid)).resolve("task");
        try (var dir = Files.newDirectoryStream(tasks)) {
            for (Path t : dir) {
                String name = t.getFileName().toString();
                if (!name.equals(Integer.toString(pid)) && readPath(t.resolve("stat")).filter(st -> !KernelText.exited(st)).isPresent()) {
                    return Optional.of(Integer.parseInt(name));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * SIGTERM ({@code force=false}) or SIGKILL to the process; a process that is gone is fine. A
     * process whose main thread has exited still has a handle, and kill(2) of its pid signals it.
     */
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
        return readPath(proc.resolve(Integer.toString(pid)).resolve(name));
    }

    private static Optional<String> readPath(Path file) {
        try {
            // Lenient: a command line may hold any bytes (exec -a $'\xff'), and readString would
            // throw on them, which read as "process gone" and hid the process from the list.
            return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
