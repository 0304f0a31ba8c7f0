package io.boxd.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StopOutcomeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0 | false | 0     | 10000 | no process was running
            1 | false | 12    | 10000 | SIGTERM to 1 process; the box was empty after 12 ms
            3 | false | 2500  | 10000 | SIGTERM to 3 processes; the box was empty after 2500 ms
            2 | true  | 10004 | 10000 | SIGTERM to 2 processes; still running after the 10 s grace period, so killed
            2 | true  | 301   | 300   | SIGTERM to 2 processes; still running after the 300 ms grace period, so killed
            0 | true  | 5     | 0     | SIGTERM to 0 processes; still running after the 0 s grace period, so killed
            """)
    void historySaysWhatTheStopDid(int signalled, boolean killed, long tookMs, long graceMs, String expected) {
        assertThat(new StopOutcome(signalled, killed, Duration.ofMillis(tookMs)).describe(Duration.ofMillis(graceMs)))
                .isEqualTo(expected);
    }
}
