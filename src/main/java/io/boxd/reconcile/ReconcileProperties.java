package io.boxd.reconcile;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code boxd.reconcile.*}: what to do with a cgroup under the base that has no record
 * ({@code reap} kills and removes it, {@code adopt} makes a record, {@code report} only lists
 * it), and how often to look again.
 */
@ConfigurationProperties("boxd.reconcile")
public record ReconcileProperties(
        @DefaultValue("reap") OrphanPolicy orphans,
        @DefaultValue("30s") Duration interval,
        @DefaultValue("4") int threads) {

    public enum OrphanPolicy { REAP, ADOPT, REPORT }
}
