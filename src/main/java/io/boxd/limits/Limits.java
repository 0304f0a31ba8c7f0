package io.boxd.limits;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The resource limits of a box. A null field is "not set" in a request, and "not enforced"
 * (no such kernel file) in a read-back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Limits(
        LimitValue memoryMaxBytes,
        LimitValue memoryHighBytes,
        LimitValue memorySwapMaxBytes,
        CpuMax cpuMax,
        Integer cpuWeight,
        LimitValue pidsMax) {

    public static final Limits NONE = new Limits(null, null, null, null, null, null);

    /** This, with every field that is null here taken from {@code fallback}. */
    public Limits orElse(Limits fallback) {
        if (fallback == null) {
            return this;
        }
        return new Limits(
                memoryMaxBytes != null ? memoryMaxBytes : fallback.memoryMaxBytes,
                memoryHighBytes != null ? memoryHighBytes : fallback.memoryHighBytes,
                memorySwapMaxBytes != null ? memorySwapMaxBytes : fallback.memorySwapMaxBytes,
                cpuMax != null ? cpuMax : fallback.cpuMax,
                cpuWeight != null ? cpuWeight : fallback.cpuWeight,
                pidsMax != null ? pidsMax : fallback.pidsMax);
    }
}
