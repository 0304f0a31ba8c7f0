package io.boxd.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.limits.CpuMax;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import java.util.List;
import java.util.Set;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class UnitPlanTest {

    private static final BusLocation ROOT = new BusLocation("unix:path=/x", "system", false, 0);
    private static final BusLocation USER = new BusLocation("unix:path=/y", "user", true, 1000);

    @ParameterizedTest(name = "cpu.max \"{0} {1}\" is {2} µs per second and comes back as {0}")
    @CsvSource({
            "20000, 100000, 200000",
            "1000, 3000, 333334",
            "7, 100000, 70",
            "150000, 100000, 1500000",
            "1000, 1000000, 1000",
            "33333, 100000, 333330"})
    void cpuQuotaPerSecondRoundsUpSoSystemdsTruncationGivesBackTheQuota(long quota, long period, long perSec) {
        assertThat(UnitPlan.quotaPerSecond(quota, period)).isEqualTo(perSec);
        assertThat(Math.max(perSec * period / 1_000_000, 1000)).isEqualTo(Math.max(quota, 1000));
    }

    @Test
    void eachLimitIsOneUInt64PropertyAndMaxIsUInt64Max() {
        Limits limits = new Limits(LimitValue.UNLIMITED, LimitValue.of(5), LimitValue.of(0),
                new CpuMax(LimitValue.UNLIMITED, 50_000L), 100, LimitValue.UNLIMITED);

        List<UnitProperty> props = UnitPlan.limits(limits);

        assertThat(props).extracting(UnitProperty::name).containsExactly("MemoryHigh", "MemoryMax", "MemorySwapMax",
                "CPUQuotaPerSecUSec", "CPUQuotaPeriodUSec", "CPUWeight", "TasksMax");
        assertThat(props).allSatisfy(p -> assertThat(p.value().getSig()).isEqualTo("t"));
        assertThat(props).extracting(p -> (Object) p.value().getValue()).containsExactly(new UInt64(5), UnitPlan.INFINITY, new UInt64(0),
                UnitPlan.INFINITY, new UInt64(50_000), new UInt64(100), UnitPlan.INFINITY);
        assertThat(UnitPlan.INFINITY.toString()).isEqualTo("18446744073709551615");
    }

    @Test
    void unsetLimitsSendNoProperty() {
        assertThat(UnitPlan.limits(Limits.NONE)).isEmpty();
        assertThat(UnitPlan.limits(null)).isEmpty();
    }

    @Test
    void aControllerTheManagerLacksIsMissingWithTheUserManagerDelegateFixWhenRootless() {
        Limits limits = new Limits(LimitValue.of(1 << 20), null, null, null, 50, LimitValue.of(10));

        var missing = UnitPlan.unavailable(limits, Set.of("memory", "pids"), "/sys/fs/cgroup/user.slice/u", USER);

        assertThat(missing).singleElement().satisfies(m -> {
            assertThat(m.limit()).isEqualTo("cpuWeight");
            assertThat(m.controller()).isEqualTo("cpu");
            assertThat(m.missingAt()).contains("/sys/fs/cgroup/user.slice/u", "memory pids");
            assertThat(m.fix()).contains("/etc/systemd/system/user@.service.d/", "Delegate=", "user@1000.service");
        });
    }

    @Test
    void asRootTheFixIsTheKernelNotADropIn() {
        var missing = UnitPlan.unavailable(new Limits(null, null, null, null, null, LimitValue.of(3)), Set.of("memory"), "/sys/fs/cgroup", ROOT);

        assertThat(missing).singleElement().satisfies(m -> assertThat(m.fix()).doesNotContain("Delegate=").contains("kernel"));
    }

    @Test
    void unlimitedNeedsNoController() {
        Limits limits = new Limits(LimitValue.UNLIMITED, null, null, new CpuMax(LimitValue.UNLIMITED, null), null, LimitValue.UNLIMITED);

        assertThat(UnitPlan.unavailable(limits, Set.of(), "/x", USER)).isEmpty();
    }

    @Test
    void aRequestedLimitWithoutItsFileAfterSystemdAppliedItIsMissing() {
        Limits limits = new Limits(LimitValue.of(1 << 20), null, LimitValue.of(0), null, null, null);

        var missing = UnitPlan.notApplied(limits, java.util.Map.of("memory.max", "1048576\n"), "/sys/fs/cgroup/b", ROOT);

        assertThat(missing).singleElement().satisfies(m -> assertThat(m.missingAt()).isEqualTo("/sys/fs/cgroup/b/memory.swap.max (no such file after systemd applied it)"));
    }
}
