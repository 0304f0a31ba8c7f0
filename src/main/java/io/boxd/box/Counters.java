package io.boxd.box;

import io.boxd.driver.BoxStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure bookkeeping of the kernel's event counters. The cgroup may be gone before anyone reads
 * its OOM counter, so boxd records every rise as it sees it, and a final snapshot before removal.
 */
final class Counters {

    /** A counter whose rise is worth an event of its own. */
    record Rise(String type, String counter, long before, long after) {
        String detail() {
            return counter + " " + before + " -> " + after;
        }
    }

    private Counters() {
    }

    static Map<String, Long> of(BoxStats stats) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (stats == null) {
            return out;
        }
        if (stats.memory() != null && stats.memory().events() != null) {
            BoxStats.MemoryEvents e = stats.memory().events();
            put(out, "memory.events.low", e.low());
            put(out, "memory.events.high", e.high());
            put(out, "memory.events.max", e.max());
            put(out, "memory.events.oom", e.oom());
            put(out, "memory.events.oom_kill", e.oomKill());
        }
        if (stats.pids() != null && stats.pids().events() != null) {
            put(out, "pids.events.max", stats.pids().events().max());
        }
        return out;
    }

    private static void put(Map<String, Long> out, String k, Long v) {
        if (v != null) {
            out.put(k, v);
        }
    }

    static String format(Map<String, Long> counters) {
        StringBuilder sb = new StringBuilder();
        counters.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }

    static Map<String, Long> parse(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String kv : text.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
            }
        }
        return out;
    }

    /**
     * What is known now: each counter's highest value seen. The kernel's counters only rise while
     * the cgroup lives, so a lower value is an older reading (stats are read outside the box's
     * lock) and must not replace a higher one, or the rise would be recorded a second time.
     */
    static Map<String, Long> merge(Map<String, Long> before, Map<String, Long> now) {
        Map<String, Long> out = new LinkedHashMap<>(before);
        now.forEach((k, v) -> out.merge(k, v, Math::max));
        return out;
    }

    /** The rises since {@code before} that deserve their own event: OOM kills, OOMs and hitting pids.max. */
    static List<Rise> rises(Map<String, Long> before, Map<String, Long> now) {
        List<Rise> out = new ArrayList<>();
        rise(out, "oom-kill", "memory.events.oom_kill", before, now);
        rise(out, "oom", "memory.events.oom", before, now);
        rise(out, "pids-max", "pids.events.max", before, now);
        return out;
    }

    private static void rise(List<Rise> out, String type, String key, Map<String, Long> before, Map<String, Long> now) {
        long b = before.getOrDefault(key, 0L);
        Long n = now.get(key);
        if (n != null && n > b) {
            out.add(new Rise(type, key, b, n));
        }
    }
}
