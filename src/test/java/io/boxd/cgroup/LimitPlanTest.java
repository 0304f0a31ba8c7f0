package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.limits.CpuMax;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LimitPlanTest {

    static final LimitValue MAX = LimitValue.UNLIMITED;

    static Stream<Arguments> plans() {
        return Stream.of(
                Arguments.of(Limits.NONE, List.of()),
                Arguments.of(new Limits(LimitValue.of(64 << 20), null, null, null, null, null),
                        List.of("memory.max=67108864")),
                Arguments.of(new Limits(LimitValue.of(128 << 20), LimitValue.of(96 << 20), LimitValue.of(0), null, null, null),
                        List.of("memory.high=100663296", "memory.max=134217728", "memory.swap.max=0")),
                Arguments.of(new Limits(null, null, null, new CpuMax(LimitValue.of(20_000), 100_000L), 200, null),
                        List.of("cpu.max=20000 100000", "cpu.weight=200")),
                Arguments.of(new Limits(null, null, null, new CpuMax(MAX, null), null, MAX),
                        List.of("cpu.max=max 100000", "pids.max=max")),
                Arguments.of(new Limits(null, null, null, null, null, LimitValue.of(64)), List.of("pids.max=64")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("plans")
    void turnsLimitsIntoFileWrites(Limits limits, List<String> expected) {
        assertThat(LimitPlan.writes(limits)).extracting(w -> w.file() + "=" + w.value()).isEqualTo(expected);
    }

    @Test
    void eachWriteNamesItsController() {
        var writes = LimitPlan.writes(new Limits(LimitValue.of(1 << 20), null, null, new CpuMax(LimitValue.of(5000), null), null, LimitValue.of(8)));
        assertThat(LimitPlan.controllers(writes)).containsExactly("memory", "cpu", "pids");
    }

    @Test
    void unlimitedWritesNeedNoController() {
        var writes = LimitPlan.writes(new Limits(MAX, null, null, new CpuMax(MAX, null), null, LimitValue.of(8)));
        assertThat(writes).extracting(LimitPlan.Write::unlimited).containsExactly(true, true, false);
    }

    @Test
    void readBackOfKernelFilesBecomesEnforcedLimits() {
        Limits enforced = LimitPlan.enforced(Map.of(
                "memory.max", "67108864\n", "memory.high", "max\n", "cpu.max", "20000 100000\n",
                "cpu.weight", "100\n", "pids.max", "max\n"));
        assertThat(enforced.memoryMaxBytes()).isEqualTo(LimitValue.of(67108864));
        assertThat(enforced.memoryHighBytes()).isEqualTo(MAX);
        assertThat(enforced.memorySwapMaxBytes()).as("absent file is not enforced, never 0").isNull();
        assertThat(enforced.cpuMax()).isEqualTo(new CpuMax(LimitValue.of(20000), 100000L));
        assertThat(enforced.cpuWeight()).isEqualTo(100);
        assertThat(enforced.pidsMax()).isEqualTo(MAX);
    }

    static Stream<Arguments> readBackFiles() {
        return Stream.of(
                Arguments.of(Set.of(), List.of()),
                Arguments.of(Set.of("hugetlb"), List.of()),
                Arguments.of(Set.of("pids"), List.of("pids.max")),
                Arguments.of(Set.of("cpu", "io"), List.of("cpu.max", "cpu.weight")),
                Arguments.of(Set.of("cpuset", "cpu", "memory", "pids"), LimitPlan.FILES));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("readBackFiles")
    void readsBackOnlyTheFilesOfEnabledControllers(Set<String> controllers, List<String> files) {
        assertThat(LimitPlan.files(controllers)).isEqualTo(files);
    }

    @Test
    void noFilesMeansNothingEnforced() {
        assertThat(LimitPlan.enforced(Map.of())).isEqualTo(Limits.NONE);
    }
}
