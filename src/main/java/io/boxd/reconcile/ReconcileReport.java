package io.boxd.reconcile;

import java.time.Instant;
import java.util.List;

/**
 * What one reconciliation pass found and did. The five counters are the contract; the lists say
 * which cgroups and pids they were about.
 */
public record ReconcileReport(
        int orphansReaped,
        int orphansAdopted,
        int lost,
        int repaired,
        long durationMillis,
        int orphansReported,
        int busy,
        String trigger,
        Instant startedAt,
        List<Orphan> orphans) {

    /** A cgroup under the base with no record, what boxd saw in it, and what it did. */
    public record Orphan(String path, List<Integer> pids, String action) {
    }
}
