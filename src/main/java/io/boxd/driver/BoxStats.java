package io.boxd.driver;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Usage read from the kernel. Every field is null when its file is missing: a missing file is
 * "unknown", never 0.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BoxStats(Cpu cpu, Memory memory, Pids pids) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cpu(Long usageMicros, Long userMicros, Long systemMicros, Long nrThrottled, Long throttledMicros) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(Long currentBytes, Long peakBytes, MemoryEvents events) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemoryEvents(Long low, Long high, Long max, Long oom, Long oomKill) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pids(Long current, PidsEvents events) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PidsEvents(Long max) {
    }
}
