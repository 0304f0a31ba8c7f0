package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ControllerPlanTest {

    static Set<String> set(String... s) {
        return new LinkedHashSet<>(List.of(s));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // wanted, available, already enabled, line to write
                Arguments.of(set("cpu", "memory", "pids"), set("hugetlb"), set(), null),
                Arguments.of(set("cpu", "memory", "pids", "hugetlb"), set("hugetlb"), set(), "+hugetlb"),
                Arguments.of(set("cpu", "memory", "pids"), set("cpuset", "cpu", "io", "memory", "pids"), set(), "+cpu +memory +pids"),
                Arguments.of(set("cpu", "memory", "pids"), set("cpu", "memory", "pids"), set("memory"), "+cpu +pids"),
                Arguments.of(set("cpu", "memory"), set("cpu", "memory"), set("cpu", "memory"), null),
                Arguments.of(set(), set("cpu"), set(), null));
    }

    @ParameterizedTest(name = "want {0} have {1} on {2} -> {3}")
    @MethodSource("cases")
    void enablesOnlyAvailableControllersNotYetEnabled(Set<String> wanted, Set<String> available, Set<String> enabled, String line) {
        assertThat(ControllerPlan.enableLine(wanted, available, enabled)).isEqualTo(line);
    }

    static Stream<Arguments> unions() {
        return Stream.of(
                Arguments.of(set(), set(), set()),
                Arguments.of(set("hugetlb"), set(), set("hugetlb")),
                Arguments.of(set("memory"), set("cpu", "memory"), set("memory", "cpu")),
                Arguments.of(set(), set("cpu", "pids"), set("cpu", "pids")));
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("unions")
    void enabledAfterAWriteIsWhatWasThereAndWhatWasAdded(Set<String> enabled, Set<String> added, Set<String> after) {
        assertThat(ControllerPlan.union(enabled, added)).containsExactlyElementsOf(after);
    }
}
