package io.boxd.cgroup;

import io.boxd.driver.BoxStats;
import java.util.Map;

/** Pure: parsed counter maps to {@link BoxStats}. A null map or key stays null ("unknown"). */
public final class StatsAssembler {

    private StatsAssembler() {
    }

    public static BoxStats assemble(Map<String, Long> cpuStat, Long memCurrent, Long memPeak, Map<String, Long> memEvents,
                             Long pidsCurrent, Map<String, Long> pidsEvents) {
        BoxStats.Cpu cpu = cpuStat == null ? null : new BoxStats.Cpu(
                cpuStat.get("usage_usec"), cpuStat.get("user_usec"), cpuStat.get("system_usec"),
                cpuStat.get("nr_throttled"), cpuStat.get("throttled_usec"));
        BoxStats.MemoryEvents mev = memEvents == null ? null : new BoxStats.MemoryEvents(
                memEvents.get("low"), memEvents.get("high"), memEvents.get("max"), memEvents.get("oom"), memEvents.get("oom_kill"));
        BoxStats.Memory memory = memCurrent == null && memPeak == null && mev == null ? null
                : new BoxStats.Memory(memCurrent, memPeak, mev);
        BoxStats.PidsEvents pev = pidsEvents == null ? null : new BoxStats.PidsEvents(pidsEvents.get("max"));
        BoxStats.Pids pids = pidsCurrent == null && pev == null ? null : new BoxStats.Pids(pidsCurrent, pev);
        return new BoxStats(cpu, memory, pids);
    }
}
