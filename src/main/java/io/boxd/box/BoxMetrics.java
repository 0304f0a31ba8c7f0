package io.boxd.box;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * boxd's own meters, for operators ({@code /actuator/prometheus} once exposed; see the README):
 * {@code boxd.boxes} by state, counted from the records when scraped, and {@code boxd.box.events}
 * by type, counted when the event's transaction commits: an event that was rolled back never
 * happened, and the history is what the count must agree with. OOM kills, reaped and lost boxes,
 * capped logs are all event types, so one counter covers them with the history's own names.
 */
@Component
public class BoxMetrics {

    private static final Logger log = LoggerFactory.getLogger(BoxMetrics.class);

    static final String BOXES = "boxd.boxes";
    static final String EVENTS = "boxd.box.events";
    /** One scrape reads every state's gauge; they share one query within this window. */
    static final long FRESH_NANOS = 1_000_000_000L;

    private final MeterRegistry registry;
    private final JdbcTemplate jdbc;
    private final LongSupplier clock;
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot;

    @Autowired
    BoxMetrics(MeterRegistry registry, JdbcTemplate jdbc) {
        this(registry, jdbc, System::nanoTime);
    }

    BoxMetrics(MeterRegistry registry, JdbcTemplate jdbc, LongSupplier clock) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.clock = clock;
        for (BoxState state : BoxState.values()) {
            Gauge.builder(BOXES, this, m -> m.count(state))
                    .description("Box records in this state (REMOVED records are kept, so that one only grows)")
                    .tag("state", state.name())
                    .register(registry);
        }
    }

    /** Counts one event of {@code type} once the current transaction commits, or now outside one. */
    void recorded(String type) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            counter(type).increment();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                counter(type).increment();
            }
        });
    }

    private Counter counter(String type) {
        return events.computeIfAbsent(type, t -> Counter.builder(EVENTS)
                .description("Events recorded in box histories since boxd started, by type (see GET /v1/boxes/{id}/events)")
                .tag("type", t)
                .register(registry));
    }

    /** NaN when the database does not answer: a gap in the graph, not a false zero. */
    private double count(BoxState state) {
        Snapshot s = snapshot;
        long now = clock.getAsLong();
        if (s == null || now - s.at() > FRESH_NANOS) {
            try {
                s = new Snapshot(now, countByState());
            } catch (DataAccessException e) {
                log.debug("boxes by state: the database did not answer", e);
                return Double.NaN;
            }
            snapshot = s;
        }
        return s.counts().getOrDefault(state, 0L);
    }

    private Map<BoxState, Long> countByState() {
        Map<BoxState, Long> out = new EnumMap<>(BoxState.class);
        jdbc.query("SELECT state, COUNT(*) FROM box GROUP BY state",
                rs -> {
                    out.put(BoxState.valueOf(rs.getString(1)), rs.getLong(2));
                });
        return out;
    }

    private record Snapshot(long at, Map<BoxState, Long> counts) {
    }
}
