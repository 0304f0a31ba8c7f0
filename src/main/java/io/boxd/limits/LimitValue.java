package io.boxd.limits;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A cgroup limit: a non-negative integer, or {@code "max"} for unlimited, exactly as the kernel
 * writes it. In JSON it is a number or the string {@code "max"}.
 */
@Schema(description = "A non-negative integer, or the string \"max\" for unlimited",
        oneOf = {Long.class, String.class}, example = "67108864")
public record LimitValue(long value, boolean unlimited) {

    public static final String MAX = "max";
    public static final LimitValue UNLIMITED = new LimitValue(Long.MAX_VALUE, true);

    public static LimitValue of(long value) {
        return new LimitValue(value, false);
    }

    @JsonCreator
    public static LimitValue fromJson(Object raw) {
        if (raw instanceof Integer || raw instanceof Long) {
            return of(((Number) raw).longValue());
        }
        if (raw instanceof java.math.BigInteger big) {
            if (big.bitLength() >= 64) {
                throw new IllegalArgumentException("a limit must fit in a signed 64-bit integer, not " + big);
            }
            return of(big.longValue());
        }
        if (raw instanceof String s && MAX.equals(s)) {
            return UNLIMITED;
        }
        throw new IllegalArgumentException("a limit is an integer or \"max\", not " + raw);
    }

    /** Parses a kernel value such as {@code 67108864} or {@code max}. */
    public static LimitValue parseKernel(String text) {
        String s = text.trim();
        return MAX.equals(s) ? UNLIMITED : of(Long.parseLong(s));
    }

    @JsonValue
    public Object json() {
        return unlimited ? MAX : value;
    }

    public String kernel() {
        return unlimited ? MAX : Long.toString(value);
    }

    @Override
    public String toString() {
        return kernel();
    }
}
