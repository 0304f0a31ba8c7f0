package io.boxd.box;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.Table;

/**
 * One entry of a box's history, oldest first by id. {@code actor} is who caused it: the name of
 * the token of the mutating request ({@code anonymous} when authentication is off), or
 * {@code boxd} for what boxd did or noticed itself (reconcile, exit and OOM detection). Never a
 * token. Absent on events recorded before boxd kept actors.
 */
@Table("box_event")
public record BoxEvent(@Id Long id, String boxId, String type, @Column("occurred_at") Instant at, String detail,
                       String actor) {

    /** An event whose actor {@link BoxHistory#add} fills in from the current request. */
    static BoxEvent of(String boxId, String type, String detail) {
        return new BoxEvent(null, boxId, type, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), detail, null);
    }

    BoxEvent withActor(String actor) {
        return new BoxEvent(id, boxId, type, at, detail, actor);
    }
}
