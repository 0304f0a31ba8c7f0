package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

class LogTrimTest {

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(textBlock = """
            size, cap, note, noted, trim
            0,    100, 10,   false, NONE
            100,  100, 10,   false, NONE
            101,  100, 10,   false, CUT_AND_NOTE
            105,  100, 10,   false, CUT_AND_NOTE
            5000, 100, 10,   false, CUT_AND_NOTE
            110,  100, 10,   true,  NONE
            111,  100, 10,   true,  CUT_AFTER_NOTE
            5000, 100, 10,   true,  CUT_AFTER_NOTE
            5000, 0,   10,   false, NONE
            """, useHeadersInDisplayName = true)
    void cutsOnlyWhatIsPastTheCapAndNotesItOnce(long size, long cap, int note, boolean noted, LogTrim trim) {
        assertThat(LogTrim.of(size, cap, note, noted)).isEqualTo(trim);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(textBlock = """
            max-size, interval, refused
            64MB,     100ms,    ''
            0B,       0s,       ''
            -1B,      100ms,    'boxd.logs.max-size must be 0 (no cap) or more, not -1B'
            64KB,     0s,       'boxd.logs.check-interval must be more than 0 while boxd.logs.max-size is set, not PT0S'
            64KB,     -1s,      'boxd.logs.check-interval must be more than 0 while boxd.logs.max-size is set, not PT-1S'
            """, useHeadersInDisplayName = true)
    void settingsThatCannotCapAreRefusedAtStart(String maxSize, String interval, String refused) {
        DataSize size = DataSize.parse(maxSize);
        Duration every = DurationStyle.detectAndParse(interval);
        if (refused.isEmpty()) {
            assertThat(new LogProperties(size, every).capped()).isEqualTo(size.toBytes() > 0);
        } else {
            assertThatThrownBy(() -> new LogProperties(size, every)).hasMessage(refused);
        }
    }

    @Test
    void theNoteNamesTheSettingAndTheCap() {
        assertThat(new String(LogTrim.note(65536))).isEqualTo(
                "\n[boxd: this log reached boxd.logs.max-size (65536 bytes); later output is dropped]\n");
    }
}
