package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoxEventTest {

    @Test
    void aDetailThatFitsIsKeptAsIs() {
        String d = "x".repeat(BoxEvent.MAX_DETAIL);
        assertThat(BoxEvent.of("b", "process-started", d).detail()).isEqualTo(d);
    }

    @Test
    void aLongerDetailIsCutToTheColumnAndSaysSo() {
        String d = "pid 1 argv [sh, -c, " + "y".repeat(9000) + "]";
        String kept = BoxEvent.of("b", "process-started", d).detail();
        assertThat(kept).hasSize(BoxEvent.MAX_DETAIL).startsWith("pid 1 argv [sh, -c, yyy")
                .endsWith("(" + d.length() + " characters, cut to fit)");
    }

    @Test
    void aCutNeverSplitsACharacter() {
        // 5000 UTF-16 units, 4999 characters: the note counts characters, as the API's bounds do.
        String note = " ... (4999 characters, cut to fit)";
        int keep = BoxEvent.MAX_DETAIL - note.length();
        // A surrogate pair (one character outside the BMP) straddles the cut.
        String d = "a".repeat(keep - 1) + "\uD83D\uDE00" + "b".repeat(5000 - keep - 1);
        assertThat(d).hasSize(5000);
        String kept = BoxEvent.of("b", "t", d).detail();
        assertThat(Character.isHighSurrogate(kept.charAt(keep - 2))).isFalse();
        assertThat(kept).doesNotContain("\uD83D").endsWith(note).hasSize(BoxEvent.MAX_DETAIL - 1);
    }

    @Test
    void noDetailStaysNone() {
        assertThat(BoxEvent.of("b", "t", null).detail()).isNull();
    }
}
