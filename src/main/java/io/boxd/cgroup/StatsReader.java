package io.boxd.cgroup;

import io.boxd.driver.BoxStats;
import java.util.Map;

/**
 * A box's usage files, read through {@link CgroupFs} for both drivers. {@link #counters} reads
 * only the two files whose rises boxd records, for the callers that want nothing else (every
 * delete, every exit): each read is an open, a read and a close of a kernfs file.
 */
public final class StatsReader {

    private StatsReader() {
    }

    /** Every usage file under {@code rel}; a missing file leaves its fields null. */
    public static BoxStats all(CgroupFs fs, String rel) {
        return StatsAssembler.assemble(flat(fs, rel, "cpu.stat"),
                single(fs, rel, "memory.current"), single(fs, rel, "memory.peak"), flat(fs, rel, "memory.events"),
                single(fs, rel, "pids.current"), flat(fs, rel, "pids.events"));
    }

    /** Only {@code memory.events} and {@code pids.events}: two reads where {@link #all} makes six. */
    public static BoxStats counters(CgroupFs fs, String rel) {
        return StatsAssembler.assemble(null, null, null, flat(fs, rel, "memory.events"), null, flat(fs, rel, "pids.events"));
    }

    private static Map<String, Long> flat(CgroupFs fs, String rel, String file) {
        return fs.read(rel, file).map(KernelText::flatKeyed).orElse(null);
    }

    private static Long single(CgroupFs fs, String rel, String file) {
        return fs.read(rel, file).flatMap(KernelText::single).orElse(null);
    }
}
