package io.boxd.limits;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The resource limits of a box. A null field is "not set" in a request, and "not enforced"
 * (no such kernel file) in a read-back. The documented bounds are only the kernel's, since a
 * read-back (or an adopted orphan) may hold what boxd would refuse in a request, such as 0.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Limits(
        LimitValue memoryMaxBytes,
        LimitValue memoryHighBytes,
        LimitValue memorySwapMaxBytes,
        CpuMax cpuMax,
        @Schema(minimum = "" + LimitRules.MIN_CPU_WEIGHT, maximum = "" + LimitRules.MAX_CPU_WEIGHT)
        Integer cpuWeight,
        @Schema(maximum = "" + LimitRules.MAX_PIDS)
        LimitValue pidsMax) {

    public static final Limits NONE = new Limits(null, null, null, null, null, null);

    /** Only the fields that are set, as {@code {memoryMaxBytes=67108864, pidsMax=max}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        field(sb, "memoryMaxBytes", memoryMaxBytes);
        field(sb, "memoryHighBytes", memoryHighBytes);
        field(sb, "memorySwapMaxBytes", memorySwapMaxBytes);
        field(sb, "cpuMax", cpuMax == null ? null : cpuMax.kernel());
        field(sb, "cpuWeight", cpuWeight);
        field(sb, "pidsMax", pidsMax);
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, Object value) {
        if (value != null) {
            sb.append(sb.length() > 1 ? ", " : "").append(name).append('=').append(value);
        }
    }

    /**
     * This, with every field that is null here taken from {@code fallback}; a {@code cpuMax}
     * without a period keeps the fallback's, so that changing the quota does not reset the period.
     */
    public Limits orElse(Limits fallback) {
        if (fallback == null) {
            return this;
        }
        return new Limits(
                memoryMaxBytes != null ? memoryMaxBytes : fallback.memoryMaxBytes,
                memoryHighBytes != null ? memoryHighBytes : fallback.memoryHighBytes,
                memorySwapMaxBytes != null ? memorySwapMaxBytes : fallback.memorySwapMaxBytes,
                cpuMax == null ? fallback.cpuMax
                        : cpuMax.periodMicros() == null && fallback.cpuMax != null && fallback.cpuMax.periodMicros() != null
                        ? new CpuMax(cpuMax.quotaMicros(), fallback.cpuMax.periodMicros()) : cpuMax,
                cpuWeight != null ? cpuWeight : fallback.cpuWeight,
                pidsMax != null ? pidsMax : fallback.pidsMax);
    }
}
