package io.boxd.box;

import io.boxd.driver.BoxStats;
import java.util.List;
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
        var now = Counters.of(stats);
        if (now.isEmpty()) {
            return;
        }
        BoxRecord rec = boxes.findById(id).orElse(null);
        if (rec == null) {
            return;
        }
        var before = Counters.parse(rec.counters);
        var merged = Counters.merge(before, now);
        String formatted = Counters.format(merged);
        if (formatted.equals(rec.counters)) {
            return;
        }
        List<Counters.Rise> rises = Counters.rises(before, merged);
        rec.counters = formatted;
        try {
            tx.executeWithoutResult(s -> {
                boxes.save(rec);
                for (Counters.Rise r : rises) {
                    history.add(BoxEvent.of(id, r.type(), r.detail()));
                }
            });
        } catch (OptimisticLockingFailureException e) {
            log.debug("counters for {} changed under us; the next read records them", id);
        }
    }
}
