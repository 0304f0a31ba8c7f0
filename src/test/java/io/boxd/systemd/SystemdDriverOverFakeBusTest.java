package io.boxd.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.cgroup.CgroupFs;
import io.boxd.driver.DriverException;
import io.boxd.driver.Enforcement;
import io.boxd.driver.LimitNotEnforceableException;
import io.boxd.driver.Placement;
import io.boxd.limits.CpuMax;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver and its bus against a fake systemd on a private D-Bus: exact methods, property
 * names and D-Bus signatures, job waiting, failed jobs, UnitExists and a bus that restarts.
 * Real placement and limits are proven in the kernel lab (lab/systemd/acceptance).
 */
class SystemdDriverOverFakeBusTest {

    private static final String UINT64_MAX = "18446744073709551615";

    @TempDir
    Path tmp;
    private PrivateBus bus;
    private FakeSystemd systemd;
    private SystemdBus client;
    private Path mount;

    @BeforeEach
    void start() throws Exception {
        bus = new PrivateBus(tmp);
        mount = Files.createDirectories(tmp.resolve("cgroup"));
        Files.writeString(mount.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        systemd = new FakeSystemd(mount, "");
        systemd.attach(bus.address());
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        systemd.detach();
        bus.close();
    }

    private SystemdDriver driver(BusLocation location, Duration jobTimeout, Enforcement enforcement) {
        client = new SystemdBus(location, jobTimeout);
        return new SystemdDriver(client, new CgroupFs(mount), "boxlite", enforcement, "boxd.driver=systemd", Duration.ofSeconds(1));
    }

    private SystemdDriver driver() {
        return driver(new BusLocation(bus.address(), "test bus", false, 0), Duration.ofSeconds(5), Enforcement.STRICT);
    }

    private static Map<String, String> signatures(List<UnitProperty> props) {
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach(p -> out.put(p.name(), p.value().getSig()));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<UnitProperty> props(FakeSystemd.Call call, int index) {
        return (List<UnitProperty>) call.args().get(index);
    }

    private static Object value(List<UnitProperty> props, String name) {
        return props.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().value().getValue();
    }

    @Test
    void createStartsATransientSliceUnderTheBaseWithEveryLimitAsAUInt64Property() {
        Limits limits = new Limits(LimitValue.of(64L << 20), LimitValue.of(48L << 20), LimitValue.UNLIMITED,
                new CpuMax(LimitValue.of(20_000), 100_000L), 200, LimitValue.of(64));

        Placement placed = driver().create("web-1", limits);

        FakeSystemd.Call start = systemd.last("StartTransientUnit");
        assertThat(start.args().get(0)).isEqualTo("boxlite-web\\x2d1.slice");
        assertThat(start.args().get(1)).isEqualTo("fail");
        assertThat(start.args().get(3)).isEqualTo(List.of());
        List<UnitProperty> props = props(start, 2);
        assertThat(signatures(props)).containsEntry("MemoryMax", "t").containsEntry("MemoryHigh", "t")
                .containsEntry("MemorySwapMax", "t").containsEntry("TasksMax", "t").containsEntry("CPUWeight", "t")
                .containsEntry("CPUQuotaPerSecUSec", "t").containsEntry("CPUQuotaPeriodUSec", "t")
                .containsEntry("CollectMode", "s").containsEntry("MemoryAccounting", "b").containsEntry("TasksAccounting", "b");
        assertThat(value(props, "MemoryMax")).isEqualTo(new UInt64(64L << 20));
        assertThat(value(props, "MemorySwapMax").toString()).isEqualTo(UINT64_MAX);
        assertThat(value(props, "CPUQuotaPerSecUSec")).isEqualTo(new UInt64(200_000));
        assertThat(value(props, "TasksMax")).isEqualTo(new UInt64(64));
        assertThat(placed.cgroupPath()).isEqualTo(mount.resolve("boxlite.slice/boxlite-web\\x2d1.slice").toString());
        assertThat(placed.enforced()).isEqualTo(limits);
    }

    @Test
    void undoingAStartKillsThatStartsScopeAndNotTheBox() throws Exception {
        SystemdDriver driver = driver();
        driver.create("b1", Limits.NONE);
        client.startTransientUnit("boxlite-b1-p4242.scope", UnitPlan.processScope("b1", "boxlite-b1.slice", 4242));
        client.startTransientUnit("boxlite-b1-p4343.scope", UnitPlan.processScope("b1", "boxlite-b1.slice", 4343));
        Path box = mount.resolve("boxlite.slice/boxlite-b1.slice");

        // This fake's cgroups stay populated, so the kill runs out its time (1 s) after the write.
        assertThatThrownBy(() -> driver.undoStart("b1", 4242, Set.of())).isInstanceOf(DriverException.class)
                .hasMessageContaining("boxlite-b1-p4242.scope");
        assertThat(box.resolve("boxlite-b1-p4242.scope/cgroup.kill")).hasContent("1");
        assertThat(box.resolve("boxlite-b1-p4343.scope/cgroup.kill")).as("another start's scope").hasContent("");
        assertThat(box.resolve("cgroup.kill")).as("the box's own").satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).hasContent(""));
    }

    @Test
    void adoptAndSpawnPlaceThePidThroughAScopeWhosePidsAreAnArrayOfUInt32() {
        SystemdDriver driver = driver();
        driver.create("b1", Limits.NONE);

        client.startTransientUnit("boxlite-b1-p4242.scope", UnitPlan.processScope("b1", "boxlite-b1.slice", 4242));

        List<UnitProperty> props = props(systemd.last("StartTransientUnit"), 2);
        assertThat(signatures(props)).containsEntry("PIDs", "au").containsEntry("Slice", "s").containsEntry("OOMPolicy", "s");
        assertThat(value(props, "PIDs")).isEqualTo(List.of(new UInt32(4242)));
        assertThat(value(props, "Slice")).isEqualTo("boxlite-b1.slice");
    }

    @Test
    void patchSetsRuntimePropertiesForOnlyTheLimitsItNames() {
        SystemdDriver driver = driver();
        driver.create("b1", new Limits(null, null, null, null, null, LimitValue.of(10)));

        Limits enforced = driver.applyLimits("b1", new Limits(LimitValue.of(32L << 20), null, null, null, null, null));

        FakeSystemd.Call set = systemd.last("SetUnitProperties");
        assertThat(set.args().get(0)).isEqualTo("boxlite-b1.slice");
        assertThat(set.args().get(1)).isEqualTo(true);
        assertThat(signatures(props(set, 2))).containsOnlyKeys("MemoryMax").containsEntry("MemoryMax", "t");
        assertThat(enforced.memoryMaxBytes()).isEqualTo(LimitValue.of(32L << 20));
        assertThat(enforced.pidsMax()).isEqualTo(LimitValue.of(10));
    }

    @Test
    void waitsForTheJobRemovedOfItsOwnJobNotAnotherOne() {
        systemd.jobDelayMillis = 300;
        SystemdDriver driver = driver();

        long t0 = System.nanoTime();
        driver.create("slow", Limits.NONE);

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(systemd.units()).containsKey("boxlite-slow.slice");
    }

    @Test
    void aJobWhoseJobRemovedNeverComesTimesOutAsAnError() {
        systemd.swallowJobs = true;
        SystemdDriver driver = driver(new BusLocation(bus.address(), "test bus", false, 0), Duration.ofMillis(300), Enforcement.STRICT);

        assertThatThrownBy(() -> driver.create("stuck", Limits.NONE))
                .isInstanceOf(SystemdCallException.class).hasMessageContaining("did not finish within 300 ms");
    }

    @Test
    void aFailedJobIsAnErrorAndLeavesNoUnit() {
        systemd.nextJobResult = "failed";
        SystemdDriver driver = driver();

        assertThatThrownBy(() -> driver.create("bad", Limits.NONE))
                .isInstanceOf(SystemdCallException.class).hasMessageContaining("ended 'failed', not 'done'");
        systemd.nextJobResult = "done";
        assertThat(systemd.methods()).containsSubsequence("StartTransientUnit", "StopUnit");
    }

    @Test
    void unitExistsResetsTheFailedUnitAndRetriesOnce() {
        SystemdDriver driver = driver();
        driver.create("again", Limits.NONE);
        systemd.markFailed("boxlite-again.slice");
        int before = systemd.calls().size();

        driver.create("again", Limits.NONE);

        assertThat(systemd.methods().subList(before, systemd.calls().size()))
                .containsSubsequence("StartTransientUnit", "ResetFailedUnit", "StartTransientUnit");
        assertThat(systemd.units()).containsEntry("boxlite-again.slice", "active");
    }

    @Test
    void aUnitThatIsStillActiveIsAnErrorAfterTheOneRetryAndIsNotRemoved() {
        SystemdDriver driver = driver();
        driver.create("taken", Limits.NONE);

        assertThatThrownBy(() -> driver.create("taken", Limits.NONE))
                .isInstanceOf(SystemdCallException.class).hasMessageContaining("UnitExists");
        assertThat(systemd.units()).containsEntry("boxlite-taken.slice", "active");
    }

    @Test
    void reconnectsAndSubscribesAgainAfterTheBusRestarts() throws Exception {
        SystemdDriver driver = driver();
        driver.create("before", Limits.NONE);

        systemd.detach();
        bus.restart();
        systemd.attach(bus.address());
        driver.create("after", Limits.NONE);

        assertThat(client.connects()).isEqualTo(2);
        assertThat(systemd.methods().stream().filter("Subscribe"::equals).count()).isEqualTo(2);
        assertThat(driver.listBoxes()).containsExactlyInAnyOrder("before", "after");
    }

    @Test
    void removeStopsTheSliceResetsItAndRetiresTheEmptyBaseSoNoUnitIsLeft() {
        SystemdDriver driver = driver();
        driver.create("gone-soon", Limits.NONE);

        driver.remove("gone-soon");

        assertThat(systemd.methods()).containsSubsequence("StopUnit", "ResetFailedUnit", "ListUnitsByPatterns", "StopUnit");
        assertThat(systemd.last("StopUnit").args()).isEqualTo(List.of("boxlite.slice", "replace"));
        assertThat(systemd.units()).isEmpty();
        assertThat(driver.exists("gone-soon")).isFalse();
        driver.remove("gone-soon");
    }

    @Test
    void listBoxesAndOrphanUnitsMapUnitNamesBackToBoxIds() {
        SystemdDriver driver = driver();
        driver.create("a-b", Limits.NONE);
        driver.create("c", Limits.NONE);

        assertThat(driver.listBoxes()).containsExactlyInAnyOrder("a-b", "c");
        assertThat(driver.orphanUnits(List.of("c"))).extracting(BoxUnit::unit).containsExactly("boxlite-a\\x2db.slice");
        assertThat(systemd.last("ListUnitsByPatterns").args()).isEqualTo(List.of(List.of(), List.of("boxlite-*")));
    }

    @Test
    void aStoppedUnitSystemdHasNotCollectedYetIsNoBoxAndDoesNotKeepTheBaseSlice() {
        SystemdDriver driver = driver();
        driver.create("live", Limits.NONE);
        driver.create("dying", Limits.NONE);
        systemd.markInactive("boxlite-dying.slice");

        assertThat(driver.listBoxes()).containsExactly("live");
        driver.remove("live");
        assertThat(systemd.last("StopUnit").args()).isEqualTo(List.of("boxlite.slice", "replace"));
    }

    @Test
    void strictRootlessCreateRefusesAControllerTheUserManagerLacksAndNamesTheDelegateDropIn() throws Exception {
        systemd.detach();
        String user = "/user.slice/user-1000.slice/user@1000.service";
        Files.createDirectories(mount.resolve(user.substring(1)));
        Files.writeString(mount.resolve(user.substring(1)).resolve("cgroup.controllers"), "memory pids\n");
        systemd = new FakeSystemd(mount, user);
        systemd.attach(bus.address());
        SystemdDriver driver = driver(new BusLocation(bus.address(), "user bus", true, 1000), Duration.ofSeconds(5), Enforcement.STRICT);

        assertThatThrownBy(() -> driver.create("needs-cpu", new Limits(null, null, null, null, 300, LimitValue.of(10))))
                .isInstanceOfSatisfying(LimitNotEnforceableException.class, e -> {
                    assertThat(e.missing()).singleElement().satisfies(m -> {
                        assertThat(m.controller()).isEqualTo("cpu");
                        assertThat(m.fix()).contains("user@.service.d", "Delegate=", "systemctl restart user@1000.service");
                    });
                });
        assertThat(systemd.methods()).doesNotContain("StartTransientUnit");
    }

    @Test
    void hostNamesTheDriverWhyAndTheBaseSlice() {
        var host = driver().host();

        assertThat(host.driver()).isEqualTo("systemd");
        assertThat(host.driverReason()).contains("boxd.driver=systemd", "boxlite.slice");
        assertThat(host.cgroupBase()).isEqualTo("boxlite.slice");
        assertThat(host.availableControllers()).contains("memory", "pids", "cpu");
    }
}
