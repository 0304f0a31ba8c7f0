package io.boxd.box;

import java.nio.charset.StandardCharsets;

/**
 * What to do with a box log of a given size: nothing, or cut it back to its first {@code cap}
 * bytes followed by boxd's note. Every writer appends, so a cut file simply grows again from the
 * cut, and the next look cuts it again; the note at {@code cap} says the cut was made before.
 */
enum LogTrim {
    /** At or under the cap, or already cut with nothing new after the note. */
    NONE,
    /** Past the cap for the first time: cut to the cap, write the note, record an event. */
    CUT_AND_NOTE,
    /** Past the cap again, after the note: cut to the end of the note. */
    CUT_AFTER_NOTE;

    static byte[] note(long cap) {
        return ("\n[boxd: this log reached boxd.logs.max-size (" + cap + " bytes); later output is dropped]\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param size the log's size now
     * @param noted whether boxd's note is at {@code cap}; read only when the size is past the cap
     */
    static LogTrim of(long size, long cap, int noteLength, boolean noted) {
        if (cap <= 0 || size <= cap) {
            return NONE;
        }
        if (!noted) {
            return CUT_AND_NOTE;
        }
        return size > cap + noteLength ? CUT_AFTER_NOTE : NONE;
    }
}
