package io.boxd.limits;

import io.swagger.v3.oas.annotations.media.Schema;

/** {@code cpu.max}: a quota of CPU time per period, both in microseconds. */
public record CpuMax(
        @Schema(minimum = "" + LimitRules.MIN_QUOTA_MICROS, maximum = "" + LimitRules.MAX_QUOTA_MICROS)
        LimitValue quotaMicros,
        @Schema(minimum = "" + LimitRules.MIN_PERIOD_MICROS, maximum = "" + LimitRules.MAX_PERIOD_MICROS,
                defaultValue = "" + DEFAULT_PERIOD_MICROS)
        Long periodMicros) {

    public static final long DEFAULT_PERIOD_MICROS = 100_000;

    public long periodOrDefault() {
        return periodMicros == null ? DEFAULT_PERIOD_MICROS : periodMicros;
    }

    /** The kernel form, {@code "<quota> <period>"}. */
    public String kernel() {
        return (quotaMicros == null ? LimitValue.MAX : quotaMicros.kernel()) + " " + periodOrDefault();
    }

    /** Parses {@code cpu.max}, for example {@code "max 100000"} or {@code "20000 100000"}. */
    public static CpuMax parseKernel(String text) {
        String[] parts = text.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("cpu.max is \"<quota> <period>\", not \"" + text.trim() + "\"");
        }
        return new CpuMax(LimitValue.parseKernel(parts[0]), Long.parseLong(parts[1]));
    }
}
