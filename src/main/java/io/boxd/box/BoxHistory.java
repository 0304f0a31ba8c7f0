package io.boxd.box;

import java.util.List;
import org.springframework.stereotype.Component;

/** A box's event history, in its own table, oldest first. */
@Component
public class BoxHistory {

    private final BoxEventRepository events;

    BoxHistory(BoxEventRepository events) {
        this.events = events;
    }

    public void add(BoxEvent event) {
        events.save(event);
    }

    public List<BoxEvent> of(String boxId) {
        return events.findByBoxIdOrderByIdAsc(boxId);
    }

    void deleteAll(String boxId) {
        events.deleteByBoxId(boxId);
    }
}
