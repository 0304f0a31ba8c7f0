package io.boxd.cgroup;

import io.boxd.driver.PidsLimitException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a process moved into a box fits under every {@code pids.max} above it. The kernel
 * holds a fork or clone to {@code pids.max}, but not a move: writing a pid to
 * {@code cgroup.procs} may take {@code pids.current} past the limit (cgroup-v2.rst). boxd moves a
 * new process in where it cannot be born inside (the shell wrapper, systemd's scopes, the spawn
 * servers' fork fallback), so after the move it checks here, before the target runs. The spawn
 * servers do the same check in their own language; its message starts the same way.
 */
public final class PidsRoom {

    /** How every refusal's message starts; the spawn servers' too ({@code SpawnServer} maps it). */
    public static final String REFUSAL = "pids.max: ";

    /** One level's {@code pids.max} and {@code pids.current} text, null where the file is absent. */
    record Level(String path, String max, String current) {
    }

    private PidsRoom() {
    }

    /**
     * The refusal for the first level over its limit, the box first; empty when every level has
     * room. A level without the files (no pids controller there) or at {@code max} limits nothing.
     */
    static Optional<String> overflow(List<Level> levels) {
        for (Level l : levels) {
            Optional<Long> max = l.max() == null ? Optional.empty() : KernelText.single(l.max());
            Optional<Long> current = l.current() == null ? Optional.empty() : KernelText.single(l.current());
            if (max.isPresent() && current.isPresent() && current.get() > max.get()) {
                return Optional.of(REFUSAL + l.path() + " has pids.current " + current.get() + " with the new process, over its pids.max "
                        + max.get());
            }
        }
        return Optional.empty();
    }

    /**
     * Throws the refusal ({@link #overflow}) for {@code rel} and each cgroup above it, up to the
     * root (which has no pids.max), once the new process is in. The caller kills the process.
     */
    public static void require(CgroupFs fs, String rel) {
        List<Level> levels = new ArrayList<>();
        for (String r = rel; !r.isEmpty(); r = r.contains("/") ? r.substring(0, r.lastIndexOf('/')) : "") {
            levels.add(new Level(fs.resolve(r).toString(), fs.read(r, "pids.max").orElse(null), fs.read(r, "pids.current").orElse(null)));
        }
        Optional<String> full = overflow(levels);
        if (full.isPresent()) {
            throw new PidsLimitException(full.get() + "; killed it before it ran the target");
        }
    }
}
