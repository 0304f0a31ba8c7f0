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

    /** The {@code detail} column's size (V1__boxes.sql), in characters on H2 and PostgreSQL alike. */
    static final int MAX_DETAIL = 4000;

    /**
     * Details that would not fit are cut, saying how much was cut: an event is written after the
     * kernel acted (a process started, a box was adopted), so refusing it would leave the act
     * unrecorded and answer 500 for something that happened. An argv may be 256 x 4096 characters.
     */
    public BoxEvent {
        detail = fit(detail);
    }

    /** An event whose actor {@link BoxHistory#add} fills in from the current request. */
    static BoxEvent of(String boxId, String type, String detail) {
        return new BoxEvent(null, boxId, type, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), detail, null);
    }

    static String fit(String detail) {
        if (detail == null || detail.length() <= MAX_DETAIL) {
            return detail;
        }
        String note = " ... (" + detail.codePointCount(0, detail.length()) + " characters, cut to fit)";
        int keep = MAX_DETAIL - note.length();
        if (Character.isHighSurrogate(detail.charAt(keep - 1))) {
            keep--;   // never half a character
        }
        return detail.substring(0, keep) + note;
    }

    BoxEvent withActor(String actor) {
        return new BoxEvent(id, boxId, type, at, detail, actor);
    }
}
