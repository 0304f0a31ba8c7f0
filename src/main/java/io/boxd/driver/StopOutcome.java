package io.boxd.driver;

import java.time.Duration;

/**
 * What a stop did, for the box's history: how many processes got SIGTERM, whether any of them
 * outlived the grace period and was killed, and how long the stop took.
 */
public record StopOutcome(int signalled, boolean killed, Duration took) {

    public static final StopOutcome NOTHING_RAN = new StopOutcome(0, false, Duration.ZERO);

    /** The history line: what happened, not what would have happened. */
    public String describe(Duration grace) {
        if (signalled == 0 && !killed) {
            return "no process was running";
        }
        String term = "SIGTERM to " + signalled + (signalled == 1 ? " process" : " processes");
        return killed
                ? term + "; still running after the " + seconds(grace) + " grace period, so killed"
                : term + "; the box was empty after " + took.toMillis() + " ms";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
