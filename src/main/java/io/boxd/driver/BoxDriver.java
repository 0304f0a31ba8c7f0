package io.boxd.driver;

import io.boxd.limits.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What boxd needs from the kernel side, whoever does the work: cgroupfs directly, or systemd
 * over D-Bus. Every method names the box by its validated id; implementations never see raw
 * user paths. Methods throw {@link DriverException} (or a subclass) and never leave a half-made
 * box behind.
 */
public interface BoxDriver {

    /** {@code cgroupfs} or {@code systemd}. */
    String name();

    /** Mount, base, controllers and capabilities, for {@code /v1/host} and health. */
    HostInfo host();

    /**
     * Makes the box's cgroup, enables controllers on the way down, writes and reads back the
     * limits. In strict mode a limit that cannot be enforced throws
     * {@link LimitNotEnforceableException} and nothing is left behind.
     */
    Placement create(String boxId, Limits limits);

    /** Re-applies limits to an existing box and returns what the kernel now enforces. */
    Limits applyLimits(String boxId, Limits limits);

    /** Reads the limits the kernel enforces now (absent fields: no such file). */
    Limits readEnforced(String boxId);

    /**
     * Whether {@code fileName}, in a box's cgroup directory, holds one of its limits: a write to
     * it changes what {@link #readEnforced} says.
     */
    boolean isLimitFile(String fileName);

    /** Starts a process that is inside the box before it runs any code of its own. */
    SpawnedProcess spawn(String boxId, SpawnSpec spec);

    /**
     * Moves an existing process into the box and verifies the move. False when it was in the box
     * already, so nothing was moved.
     */
    boolean adopt(String boxId, int pid);

    List<BoxProcess> processes(String boxId);

    /**
     * Taken just before a {@link #spawn}: what {@link #undoStart} must spare should the start not
     * be recorded. Empty when the driver needs nothing to tell a start's processes apart.
     */
    Set<ProcessHandle> beforeStart(String boxId);

    /**
     * Kills what one start made, for a start boxd could not record: {@code pid} (which
     * {@link #spawn} started) and all it started since, a daemon that double-forked away from it
     * included. What {@link #beforeStart} took is spared, and so is what it forks meanwhile.
     */
    void undoStart(String boxId, int pid, Set<ProcessHandle> before);

    /** True while any process lives in the box's cgroup (or a child of it). */
    boolean populated(String boxId);

    /**
     * Kills the whole tree and waits, bounded, until the cgroup is empty. False when the box has
     * no cgroup: nothing to kill, which reaping and a forced delete take as done.
     */
    boolean kill(String boxId);

    /** SIGTERM to every process in the box; how many got it (0 when the box is gone). */
    int terminate(String boxId);

    /** Waits up to {@code timeout} until the box is empty (or gone); false if it is not by then. */
    boolean awaitEmpty(String boxId, Duration timeout);


    /** Removes the box's cgroup (children first); a box that is already gone is success. */
    void remove(String boxId);

    /** Whether the box's cgroup exists. */
    boolean exists(String boxId);

    /**
     * Marks the box's cgroup with {@code owner}, the id of the database that holds its record (a
     * user xattr, which outlives boxd and its database). Throws {@link NoSuchCgroupException}
     * without a cgroup, and {@link DriverException} where the kernel keeps no such mark.
     */
    void mark(String boxId, String owner);

    /** The owner mark of the box's cgroup; empty when it has none, or has no cgroup. */
    Optional<String> markOf(String boxId);

    BoxStats stats(String boxId);

    /**
     * At least the event counters whose rises boxd records ({@code memory.events},
     * {@code pids.events}), for callers that want nothing else. The real drivers read only those
     * two files; this default reads everything.
     */
    default BoxStats counters(String boxId) {
        return stats(boxId);
    }

    /** The systemd unit that holds the box, or null where no unit does (cgroupfs). */
    default String unitName(String boxId) {
        return null;
    }

    /** The absolute cgroup path of the box, for display. */
    String cgroupPath(String boxId);

    /** The absolute cgroup path under which this driver keeps every box: what one boxd owns alone. */
    String basePath();

    /** The box ids that exist under the base right now (for reconciliation). */
    List<String> listBoxes();
}
