package io.boxd.cgroup;

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
