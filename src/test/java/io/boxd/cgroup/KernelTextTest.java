package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KernelTextTest {

    static Stream<Arguments> mounts() {
        return Stream.of(
                Arguments.of("mountinfo-hybrid.txt", Optional.of("/sys/fs/cgroup/unified")),
                Arguments.of("mountinfo-unified.txt", Optional.of("/sys/fs/cgroup")),
                Arguments.of("mountinfo-escaped.txt", Optional.of("/mnt/cgroup two")),
                Arguments.of("mountinfo-v1-only.txt", Optional.empty()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("mounts")
    void findsTheCgroup2MountInMountinfo(String fixture, Optional<String> expected) {
        assertThat(KernelText.cgroup2Mount(Fixtures.kernel(fixture))).isEqualTo(expected);
    }

    static Stream<Arguments> flatKeyed() {
        return Stream.of(
                Arguments.of("cpu.stat-nocontroller.txt", Map.of("usage_usec", 1032566483L, "user_usec", 917082359L,
                        "system_usec", 115484123L, "nice_usec", 0L)),
                Arguments.of("memory.events-oom.txt", Map.of("low", 0L, "high", 0L, "max", 1204L, "oom", 3L,
                        "oom_kill", 3L, "oom_group_kill", 0L)),
                Arguments.of("pids.events-max.txt", Map.of("max", 936L)),
                Arguments.of("cgroup.events-populated.txt", Map.of("populated", 1L, "frozen", 0L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flatKeyed")
    void parsesFlatKeyedFiles(String fixture, Map<String, Long> expected) {
        assertThat(KernelText.flatKeyed(Fixtures.kernel(fixture))).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void throttledCpuStatKeepsEveryCounter() {
        Map<String, Long> m = KernelText.flatKeyed(Fixtures.kernel("cpu.stat-throttled.txt"));
        assertThat(m).containsEntry("nr_throttled", 49L).containsEntry("throttled_usec", 3981234L)
                .containsEntry("core_sched.force_idle_usec", 0L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("procCgroups")
    void readsTheUnifiedLineOfProcPidCgroup(String fixture) {
        assertThat(KernelText.unifiedPath(Fixtures.kernel(fixture))).contains("/boxlite/demo");
    }

    static Stream<String> procCgroups() {
        return Stream.of("proc-cgroup-unified.txt", "proc-cgroup-hybrid.txt");
    }

    @Test
    void procPidCgroupWithoutUnifiedLineIsEmpty() {
        assertThat(KernelText.unifiedPath("4:memory:/x\n1:cpu:/\n")).isEmpty();
    }

    @Test
    void controllersAndPidsAreWhitespaceTolerant() {
        assertThat(KernelText.controllers("cpuset cpu io memory hugetlb pids rdma misc\n"))
                .containsExactly("cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc");
        assertThat(KernelText.controllers("\n")).isEmpty();
        assertThat(KernelText.pids("12\n345\n\n")).isEqualTo(List.of(12, 345));
        assertThat(KernelText.pids("")).isEmpty();
    }

    @Test
    void singleValueMaxIsEmpty() {
        assertThat(KernelText.single("max\n")).isEmpty();
        assertThat(KernelText.single("4096\n")).contains(4096L);
    }

    @Test
    void cmdlineJoinsNulSeparatedArguments() {
        assertThat(KernelText.cmdline("sh\0-c\0echo hi; sleep 3\0")).isEqualTo("sh -c echo hi; sleep 3");
    }

    static Stream<Arguments> statFlags() {
        return Stream.of(
                Arguments.of(Fixtures.kernel("proc-stat-kthread-kswapd.txt"), OptionalLong.of(2230336), true),
                Arguments.of(Fixtures.kernel("proc-stat-sleep.txt"), OptionalLong.of(4194304), false),
                // A command may hold ") " and spaces: the fields are counted after the last ')'.
                Arguments.of(Fixtures.kernel("proc-stat-sleep.txt").replace("(sleep)", "(a) S 1 (b c)"), OptionalLong.of(4194304), false),
                Arguments.of("15250 (sleep) S 15246 15246", OptionalLong.empty(), false),
                Arguments.of("no parentheses", OptionalLong.empty(), false),
                Arguments.of("15250 (sleep) S 1 1 1 0 -1 x 129", OptionalLong.empty(), false));
    }

    @ParameterizedTest
    @MethodSource("statFlags")
    void statFlagsAreField9AndMarkKernelThreads(String stat, OptionalLong flags, boolean kernelThread) {
        assertThat(KernelText.statFlags(stat)).isEqualTo(flags);
        assertThat(KernelText.kernelThread(stat)).isEqualTo(kernelThread);
    }

    static Stream<Arguments> states() {
        String sleep = Fixtures.kernel("proc-stat-sleep.txt");
        return Stream.of(
                Arguments.of(sleep, false),
                Arguments.of(sleep.replace("(sleep) S ", "(sleep) R "), false),
                Arguments.of(sleep.replace("(sleep) S ", "(sleep) D "), false),
                Arguments.of(sleep.replace("(sleep) S ", "(sleep) Z "), true),
                Arguments.of(sleep.replace("(sleep) S ", "(sleep) X "), true),
                Arguments.of(sleep.replace("(sleep) S ", "(a) Z (b) S "), false),
                Arguments.of("15250 (sleep)", false));
    }

    @ParameterizedTest
    @MethodSource("states")
    void aZombieOrDeadTaskHasExited(String stat, boolean exited) {
        assertThat(KernelText.exited(stat)).isEqualTo(exited);
    }

    static Stream<Arguments> tgids() {
        return Stream.of(
                Arguments.of(Fixtures.kernel("proc-status-thread.txt"), OptionalInt.of(15252)),
                Arguments.of(Fixtures.kernel("proc-status-leader.txt"), OptionalInt.of(15252)),
                Arguments.of("Name:\tsleep\nPid:\t7\n", OptionalInt.empty()),
                Arguments.of("Tgid:\tseven\n", OptionalInt.empty()));
    }

    @ParameterizedTest
    @MethodSource("tgids")
    void tgidIsTheProcessOfAThread(String status, OptionalInt tgid) {
        assertThat(KernelText.tgid(status)).isEqualTo(tgid);
    }
}
