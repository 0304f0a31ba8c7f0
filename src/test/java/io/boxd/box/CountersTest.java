package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.driver.BoxStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CountersTest {

    static BoxStats stats(long oom, long oomKill, long pidsMax) {
        return new BoxStats(null,
                new BoxStats.Memory(1L, 2L, new BoxStats.MemoryEvents(0L, 4L, 9L, oom, oomKill)),
                new BoxStats.Pids(3L, new BoxStats.PidsEvents(pidsMax)));
    }

    @Test
    void oomKillRiseIsAnEventOfItsOwn() {
        var before = Counters.of(stats(0, 0, 0));
        var now = Counters.of(stats(1, 1, 0));
        assertThat(Counters.rises(before, now)).extracting(Counters.Rise::type).containsExactly("oom-kill", "oom");
    }

    @Test
    void noRiseNoEvent() {
        var same = Counters.of(stats(2, 2, 5));
        assertThat(Counters.rises(same, same)).isEmpty();
    }

    @Test
    void firstSightingCountsFromZero() {
        assertThat(Counters.rises(Map.of(), Counters.of(stats(0, 0, 7))))
                .containsExactly(new Counters.Rise("pids-max", "pids.events.max", 0, 7));
    }

    @Test
    void formatAndParseRoundTrip() {
        var c = Counters.of(stats(1, 1, 3));
        assertThat(Counters.parse(Counters.format(c))).isEqualTo(c);
    }

    @Test
    void anOlderLowerReadingNeitherLowersTheRecordNorRecordsTheRiseTwice() {
        var recorded = Counters.of(stats(1, 1, 0));      // the watcher saw the OOM kill
        var stale = Counters.of(stats(0, 0, 0));         // a stats read from before it
        var merged = Counters.merge(recorded, stale);
        assertThat(merged).isEqualTo(recorded);
        assertThat(Counters.rises(recorded, merged)).isEmpty();
        assertThat(Counters.rises(merged, Counters.of(stats(1, 1, 0)))).isEmpty();
    }

    @Test
    void mergeKeepsEachCounterAtItsHighestAndAddsNewOnes() {
        assertThat(Counters.merge(Map.of("memory.events.oom", 2L), Map.of("memory.events.oom", 3L, "pids.events.max", 1L)))
                .containsEntry("memory.events.oom", 3L).containsEntry("pids.events.max", 1L);
    }

    @Test
    void applyingCountersToARecordReturnsTheRiseEventsAndKeepsTheMergedCounters() {
        BoxRecord rec = new BoxRecord();
        rec.id = "b1";
        rec.counters = Counters.format(Counters.of(stats(0, 0, 2)));
        var events = CounterRecorder.apply(rec, stats(1, 1, 2));
        assertThat(events).extracting(BoxEvent::type).containsExactly("oom-kill", "oom");
        assertThat(events).extracting(BoxEvent::boxId).containsOnly("b1");
        assertThat(Counters.parse(rec.counters)).isEqualTo(Counters.of(stats(1, 1, 2)));
    }

    @Test
    void applyingTheSameCountersAgainChangesNothing() {
        BoxRecord rec = new BoxRecord();
        rec.id = "b1";
        rec.counters = Counters.format(Counters.of(stats(1, 1, 2)));
        String was = rec.counters;
        assertThat(CounterRecorder.apply(rec, stats(1, 1, 2))).isEmpty();
        assertThat(rec.counters).isEqualTo(was);
    }

    @Test
    void applyingNoCountersLeavesTheRecordAlone() {
        BoxRecord rec = new BoxRecord();
        rec.id = "b1";
        assertThat(CounterRecorder.apply(rec, new BoxStats(null, null, null))).isEmpty();
        assertThat(rec.counters).isNull();
    }

    @Test
    void missingFilesGiveNoCounters() {
        assertThat(Counters.of(new BoxStats(null, null, null))).isEmpty();
    }
}
