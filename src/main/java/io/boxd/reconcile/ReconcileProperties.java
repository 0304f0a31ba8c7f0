package io.boxd.reconcile;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code boxd.reconcile.*}: what to do with a cgroup under the base that has no record
 * ({@code reap} kills and removes it, {@code adopt} makes a record, {@code report} only lists
 * it), how often to look again, and where the lock that keeps a second boxd off the same cgroup
 * tree lives ({@code lock-dir}; empty: see {@link BaseLock}). A cgroup marked by another boxd
 * database is never an orphan of this one, unless that database's id is in {@code take-over}.
 */
@ConfigurationProperties("boxd.reconcile")
public record ReconcileProperties(
        @DefaultValue("reap") OrphanPolicy orphans,
        @DefaultValue("30s") Duration interval,
        @DefaultValue("4") int threads,
        @DefaultValue("") String lockDir,
        @DefaultValue List<String> takeOver) {

    public enum OrphanPolicy { REAP, ADOPT, REPORT }
}
