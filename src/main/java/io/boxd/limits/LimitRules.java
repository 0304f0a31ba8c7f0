package io.boxd.limits;

import java.util.ArrayList;
import java.util.List;

/** Pure validation and defaulting of {@link Limits}. */
public final class LimitRules {

    public static final long MIN_QUOTA_MICROS = 1_000;
    public static final long MIN_PERIOD_MICROS = 1_000;
    public static final long MAX_PERIOD_MICROS = 1_000_000;
    public static final int MIN_CPU_WEIGHT = 1;
    public static final int MAX_CPU_WEIGHT = 10_000;
    /** The kernel refuses more (EINVAL): pids.max stops below PID_MAX_LIMIT + 1 on 64-bit. */
    public static final long MAX_PIDS = 4_194_304;
    /** The kernel refuses a larger cpu.max quota (EINVAL): its bandwidth is kept in 44 bits of µs. */
    public static final long MAX_QUOTA_MICROS = (1L << 44) - 1;

    private LimitRules() {
    }

    /** One broken rule: the JSON field and what is wrong with it. */
    public record Violation(String field, String message) {
    }

    /** Every rule that {@code limits} breaks; empty when it is valid. Null means "nothing asked". */
    public static List<Violation> validate(Limits limits) {
        List<Violation> out = new ArrayList<>();
        if (limits == null) {
            return out;
        }
        positive(out, "limits.memoryMaxBytes", limits.memoryMaxBytes());
        positive(out, "limits.memoryHighBytes", limits.memoryHighBytes());
        nonNegative(out, "limits.memorySwapMaxBytes", limits.memorySwapMaxBytes());
        positive(out, "limits.pidsMax", limits.pidsMax());
        LimitValue pids = limits.pidsMax();
        if (pids != null && !pids.unlimited() && pids.value() > MAX_PIDS) {
            out.add(new Violation("limits.pidsMax", "must be at most " + MAX_PIDS + " (the kernel's limit) or \"max\", was " + pids.value()));
        }
        Integer weight = limits.cpuWeight();
        if (weight != null && (weight < MIN_CPU_WEIGHT || weight > MAX_CPU_WEIGHT)) {
            out.add(new Violation("limits.cpuWeight",
                    "must be between " + MIN_CPU_WEIGHT + " and " + MAX_CPU_WEIGHT + ", was " + weight));
        }
        CpuMax cpu = limits.cpuMax();
        if (cpu != null) {
            LimitValue quota = cpu.quotaMicros();
            if (quota == null) {
                out.add(new Violation("limits.cpuMax.quotaMicros", "is required (a number of microseconds or \"max\")"));
            } else if (!quota.unlimited() && quota.value() < MIN_QUOTA_MICROS) {
                out.add(new Violation("limits.cpuMax.quotaMicros",
                        "must be at least " + MIN_QUOTA_MICROS + " µs, was " + quota.value()));
            } else if (!quota.unlimited() && quota.value() > MAX_QUOTA_MICROS) {
                out.add(new Violation("limits.cpuMax.quotaMicros",
                        "must be at most " + MAX_QUOTA_MICROS + " µs (the kernel's limit) or \"max\", was " + quota.value()));
            }
            Long period = cpu.periodMicros();
            if (period != null && (period < MIN_PERIOD_MICROS || period > MAX_PERIOD_MICROS)) {
                out.add(new Violation("limits.cpuMax.periodMicros",
                        "must be between " + MIN_PERIOD_MICROS + " and " + MAX_PERIOD_MICROS + " µs, was " + period));
            }
        }
        return out;
    }

    private static void positive(List<Violation> out, String field, LimitValue v) {
        if (v != null && !v.unlimited() && v.value() <= 0) {
            out.add(new Violation(field, "must be greater than 0 or \"max\", was " + v.value()));
        }
    }

    private static void nonNegative(List<Violation> out, String field, LimitValue v) {
        if (v != null && !v.unlimited() && v.value() < 0) {
            out.add(new Violation(field, "must be 0 or more, or \"max\", was " + v.value()));
        }
    }

    /**
     * The limits a new box gets: what it asked for, then what the VM size implies, then the
     * configured defaults. Explicit limits always win.
     */
    public static Limits withDefaults(Limits requested, Long vmMemoryBytes, LimitDefaults defaults) {
        Limits asked = requested == null ? Limits.NONE : requested;
        LimitValue vmMemory = vmMemoryBytes == null ? null
                : LimitValue.of(Math.addExact(Math.multiplyExact(defaults.vmMemoryFactor(), vmMemoryBytes),
                        defaults.vmMemoryOverheadBytes()));
        Limits implied = new Limits(vmMemory, null, null, null, null,
                defaults.pidsMax() == null ? null : LimitValue.of(defaults.pidsMax()));
        return asked.orElse(implied);
    }
}
