package io.boxd.box;

import io.boxd.security.Actor;
import java.sql.Timestamp;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A box's event history, in its own table, oldest first. Every event records its actor: the
 * token name of the mutating request being served on this thread, else {@code boxd}.
 */
@Component
public class BoxHistory {

    private final BoxEventRepository events;
    private final JdbcTemplate jdbc;
    private final BoxMetrics metrics;

    BoxHistory(BoxEventRepository events, JdbcTemplate jdbc, BoxMetrics metrics) {
        this.events = events;
        this.jdbc = jdbc;
        this.metrics = metrics;
    }

    /** A plain INSERT: every lifecycle step adds one, and nothing needs the generated id back. */
    public void add(BoxEvent event) {
        jdbc.update("INSERT INTO box_event (box_id, type, occurred_at, detail, actor) VALUES (?, ?, ?, ?, ?)",
                event.boxId(), event.type(), Timestamp.from(event.at()), event.detail(),
                event.actor() == null ? Actor.current() : event.actor());
        metrics.recorded(event.type());
    }

    public List<BoxEvent> of(String boxId) {
        return events.findByBoxIdOrderByIdAsc(boxId);
    }

    void deleteAll(String boxId) {
        events.deleteByBoxId(boxId);
    }
}
