package io.boxd.reconcile;

import java.time.Instant;
import java.util.List;

/**
 * What one reconciliation pass found and did. The five counters are the contract; the lists say
 * which cgroups and pids they were about. {@code orphansForeign} counts cgroups marked by another
 * boxd database, which no policy touches (they are not in {@code orphansReported}).
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
        List<Orphan> orphans,
        int orphansForeign) {

    /**
     * A cgroup under the base with no record, what boxd saw in it, and what it did ({@code reaped},
     * {@code adopted}, {@code reported} or {@code foreign}); {@code owner} is the id of the database
     * whose mark it carries, null when it has none.
     */
    public record Orphan(String path, List<Integer> pids, String action, String owner) {
    }
}
