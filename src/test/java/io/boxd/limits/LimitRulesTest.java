package io.boxd.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LimitRulesTest {

    static LimitValue v(long n) {
        return LimitValue.of(n);
    }

    static Limits mem(LimitValue max) {
        return new Limits(max, null, null, null, null, null);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(mem(v(0)), "limits.memoryMaxBytes"),
                Arguments.of(mem(v(-1)), "limits.memoryMaxBytes"),
                Arguments.of(new Limits(null, v(0), null, null, null, null), "limits.memoryHighBytes"),
                Arguments.of(new Limits(null, null, v(-5), null, null, null), "limits.memorySwapMaxBytes"),
                Arguments.of(new Limits(null, null, null, null, 0, null), "limits.cpuWeight"),
                Arguments.of(new Limits(null, null, null, null, 10_001, null), "limits.cpuWeight"),
                Arguments.of(new Limits(null, null, null, new CpuMax(v(999), null), null, null), "limits.cpuMax.quotaMicros"),
                Arguments.of(new Limits(null, null, null, new CpuMax(null, 100_000L), null, null), "limits.cpuMax.quotaMicros"),
                Arguments.of(new Limits(null, null, null, new CpuMax(v(5000), 999L), null, null), "limits.cpuMax.periodMicros"),
                Arguments.of(new Limits(null, null, null, new CpuMax(v(5000), 1_000_001L), null, null), "limits.cpuMax.periodMicros"),
                Arguments.of(new Limits(null, null, null, null, null, v(0)), "limits.pidsMax"),
                Arguments.of(new Limits(null, null, null, null, null, v(-1)), "limits.pidsMax"),
                Arguments.of(new Limits(null, null, null, null, null, v(4_194_305)), "limits.pidsMax"),
                Arguments.of(new Limits(null, null, null, new CpuMax(v(1L << 44), null), null, null), "limits.cpuMax.quotaMicros"));
    }

    @ParameterizedTest(name = "{0} breaks {1}")
    @MethodSource("invalid")
    void rejectsOutOfRangeLimitsNamingTheField(Limits limits, String field) {
        assertThat(LimitRules.validate(limits)).extracting(LimitRules.Violation::field).containsExactly(field);
    }

    static Stream<Limits> valid() {
        return Stream.of(
                Limits.NONE,
                mem(LimitValue.UNLIMITED),
                new Limits(v(1), v(1), v(0), new CpuMax(v(1000), 1000L), 1, v(1)),
                new Limits(v(1L << 40), null, LimitValue.UNLIMITED, new CpuMax(LimitValue.UNLIMITED, 1_000_000L), 10_000, LimitValue.UNLIMITED),
                new Limits(null, null, null, new CpuMax(v((1L << 44) - 1), null), null, v(4_194_304)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void acceptsLimitsAtTheEdges(Limits limits) {
        assertThat(LimitRules.validate(limits)).isEmpty();
    }

    final LimitDefaults defaults = new LimitDefaults(1024L, 2, 512L << 20);

    @Test
    void defaultsGivePidsMax1024() {
        assertThat(LimitRules.withDefaults(null, null, defaults)).isEqualTo(new Limits(null, null, null, null, null, v(1024)));
    }

    @Test
    void vmMemoryImpliesTwiceItPlus512MiB() {
        Limits l = LimitRules.withDefaults(null, 1L << 30, defaults);
        assertThat(l.memoryMaxBytes()).isEqualTo(v(2L * (1L << 30) + (512L << 20)));
    }

    @Test
    void explicitLimitsWinOverDefaults() {
        Limits asked = new Limits(v(64 << 20), null, null, null, null, LimitValue.UNLIMITED);
        Limits l = LimitRules.withDefaults(asked, 1L << 30, defaults);
        assertThat(l.memoryMaxBytes()).isEqualTo(v(64 << 20));
        assertThat(l.pidsMax()).isEqualTo(LimitValue.UNLIMITED);
    }

    static Stream<Arguments> patches() {
        CpuMax halfOf200ms = new CpuMax(v(100_000), 200_000L);
        return Stream.of(
                // patch, what the box had, what it gets
                Arguments.of("a quota alone keeps the period", new CpuMax(v(60_000), null), halfOf200ms, new CpuMax(v(60_000), 200_000L)),
                Arguments.of("a period given wins", new CpuMax(v(60_000), 50_000L), halfOf200ms, new CpuMax(v(60_000), 50_000L)),
                Arguments.of("\"max\" alone keeps the period", new CpuMax(LimitValue.UNLIMITED, null), halfOf200ms,
                        new CpuMax(LimitValue.UNLIMITED, 200_000L)),
                Arguments.of("no cpuMax keeps it whole", null, halfOf200ms, halfOf200ms),
                Arguments.of("no period before: the kernel's default", new CpuMax(v(60_000), null), new CpuMax(v(1_000), null),
                        new CpuMax(v(60_000), null)),
                Arguments.of("no cpuMax before", new CpuMax(v(60_000), null), null, new CpuMax(v(60_000), null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patches")
    void aPatchMergesIntoTheLimitsTheBoxHas(String what, CpuMax patch, CpuMax had, CpuMax gets) {
        Limits before = new Limits(v(64 << 20), null, null, had, 50, null);
        Limits after = new Limits(null, null, null, patch, null, null).orElse(before);
        assertThat(after.cpuMax()).isEqualTo(gets);
        assertThat(after.memoryMaxBytes()).as("a limit left out stays").isEqualTo(v(64 << 20));
        assertThat(after.cpuWeight()).isEqualTo(50);
    }

    @Test
    void limitValuesRoundTripTheKernelForm() {
        assertThat(LimitValue.parseKernel("max\n")).isEqualTo(LimitValue.UNLIMITED);
        assertThat(LimitValue.parseKernel("4096").kernel()).isEqualTo("4096");
        assertThat(CpuMax.parseKernel("max 100000\n")).isEqualTo(new CpuMax(LimitValue.UNLIMITED, 100000L));
    }
}
