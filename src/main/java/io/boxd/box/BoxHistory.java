package io.boxd.box;

import io.boxd.security.Actor;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * A box's event history, in its own table, oldest first. Every event records its actor: the
 * token name of the mutating request being served on this thread, else {@code boxd}.
 */
@Component
public class BoxHistory {

    private final BoxEventRepository events;

    BoxHistory(BoxEventRepository events) {
        this.events = events;
    }

    public void add(BoxEvent event) {
        events.save(event.actor() == null ? event.withActor(Actor.current()) : event);
    }

    public List<BoxEvent> of(String boxId) {
        return events.findByBoxIdOrderByIdAsc(boxId);
    }

    void deleteAll(String boxId) {
        events.deleteByBoxId(boxId);
    }
}
