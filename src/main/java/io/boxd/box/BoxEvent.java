package io.boxd.box;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.Table;

/** One entry of a box's history, oldest first by id. */
@Table("box_event")
public record BoxEvent(@Id Long id, String boxId, String type, @Column("occurred_at") Instant at, String detail) {

    static BoxEvent of(String boxId, String type, String detail) {
        return new BoxEvent(null, boxId, type, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), detail);
    }
}
