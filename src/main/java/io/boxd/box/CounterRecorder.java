package io.boxd.box;

import io.boxd.driver.BoxStats;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Records rises of the OOM and pids counters in the box's history as soon as boxd sees them. */
@Component
class CounterRecorder {

    private static final Logger log = LoggerFactory.getLogger(CounterRecorder.class);

    private final BoxRepository boxes;
    private final BoxHistory history;
    private final TransactionTemplate tx;

    CounterRecorder(BoxRepository boxes, BoxHistory history, TransactionTemplate tx) {
        this.boxes = boxes;
        this.history = history;
        this.tx = tx;
    }

    /** Caller holds the box's lock. */
    void note(String id, BoxStats stats) {
        if (Counters.of(stats).isEmpty()) {
            return;
        }
        BoxRecord rec = boxes.findById(id).orElse(null);
        if (rec == null) {
            return;
        }
        String was = rec.counters;
        List<BoxEvent> rises = apply(rec, stats);
        if (Objects.equals(was, rec.counters)) {
            return;
        }
        try {
            tx.executeWithoutResult(s -> {
                boxes.save(rec);
                rises.forEach(history::add);
            });
        } catch (OptimisticLockingFailureException e) {
            log.debug("counters for {} changed under us; the next read records them", id);
        }
    }

    /**
     * Merges {@code stats} into the record's counters, in memory, and returns an event per rise
     * since what the record held: the caller saves the record and the events together.
     */
    static List<BoxEvent> apply(BoxRecord rec, BoxStats stats) {
        var now = Counters.of(stats);
        if (now.isEmpty()) {
            return List.of();
        }
        var before = Counters.parse(rec.counters);
        var merged = Counters.merge(before, now);
        rec.counters = Counters.format(merged);
        return Counters.rises(before, merged).stream().map(r -> BoxEvent.of(rec.id, r.type(), r.detail())).toList();
    }
}
