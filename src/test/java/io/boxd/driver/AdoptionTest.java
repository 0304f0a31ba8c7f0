package io.boxd.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.driver.Adoption.Candidate;
import io.boxd.driver.Adoption.Self;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AdoptionTest {

    // boxd is pid 500, started by 400, started by init; its spawn server is 600.
    static final Self BOXD = new Self(500, Set.of(400L, 1L), Set.of(600L));
    static final String BOX = "/boxlite/a1";

    static Stream<Arguments> candidates() {
        return Stream.of(
                Arguments.of("a process outside any box", new Candidate(700, 700, false, "/user.slice"), null),
                Arguments.of("a process already in this box", new Candidate(700, 700, false, BOX), null),
                Arguments.of("a process in a systemd scope under this box", new Candidate(700, 700, false, BOX + "/p-700.scope"), null),
                Arguments.of("a process in a sibling whose name starts like the box", new Candidate(700, 700, false, "/boxlite/a10"), "another box"),
                Arguments.of("a process of another box", new Candidate(700, 700, false, "/boxlite/b2"), "another box"),
                Arguments.of("a process under another box's scope", new Candidate(700, 700, false, "/boxlite/b2/p.scope"), "another box"),
                Arguments.of("a process next to the base, not under it", new Candidate(700, 700, false, "/boxlite-other/x"), null),
                Arguments.of("a kernel thread", new Candidate(45, 45, true, "/"), "kernel thread"),
                Arguments.of("init", new Candidate(1, 1, false, "/"), "pid 1 is init"),
                Arguments.of("boxd", new Candidate(500, 500, false, "/system.slice/boxd.service"), "boxd itself"),
                Arguments.of("a thread of boxd", new Candidate(512, 500, false, "/system.slice/boxd.service"), "boxd itself"),
                Arguments.of("boxd's parent", new Candidate(400, 400, false, "/"), "ancestor of boxd"),
                Arguments.of("boxd's spawn server", new Candidate(600, 600, false, "/system.slice/boxd.service"), "spawn server"),
                Arguments.of("a thread of boxd's spawn server", new Candidate(601, 600, false, "/system.slice/boxd.service"),
                        "spawn server"),
                Arguments.of("a thread of another process", new Candidate(701, 700, false, "/user.slice"), "thread of process 700"),
                Arguments.of("a thread of a process in another box", new Candidate(701, 700, false, "/boxlite/b2"), "another box"),
                Arguments.of("a process whose main thread has exited", new Candidate(700, 700, false, "/user.slice", "/user.slice"),
                        "process 700 runs on without its main thread"),
                Arguments.of("a thread of such a process", new Candidate(701, 700, false, "/user.slice", "/user.slice"),
                        "process 700 runs on without its main thread"),
                Arguments.of("such a process already in this box", new Candidate(700, 700, false, BOX, BOX), null),
                Arguments.of("such a process whose threads are in this box, its main thread not",
                        new Candidate(700, 700, false, BOX, "/user.slice"), "process 700 runs on without its main thread"),
                Arguments.of("such a process in another box", new Candidate(700, 700, false, "/boxlite/b2", "/boxlite/b2"), "another box"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("candidates")
    void refusesWhatABoxMustNotHold(String what, Candidate c, String refusedBecause) {
        if (refusedBecause == null) {
            assertThat(Adoption.refusal(c, BOXD, BOX)).isEmpty();
        } else {
            assertThat(Adoption.refusal(c, BOXD, BOX)).hasValueSatisfying(why -> assertThat(why).contains(refusedBecause));
        }
    }

    static Stream<Arguments> systemdCandidates() {
        return Stream.of(
                Arguments.of("/boxlite.slice/boxlite-a1.slice/boxlite-a1-p700.scope", null),
                Arguments.of("/boxlite.slice/boxlite-a1.slice", null),
                Arguments.of("/user.slice/user-1000.slice/session-3.scope", null),
                Arguments.of("/boxlite.slice/boxlite-b2.slice/boxlite-b2-p9.scope", "another box"),
                Arguments.of("/boxlite.slice/boxlite-a1x.slice", "another box"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("systemdCandidates")
    void theSystemdLayoutIsJudgedTheSame(String cgroup, String refusedBecause) {
        Candidate c = new Candidate(700, 700, false, cgroup);
        String box = "/boxlite.slice/boxlite-a1.slice";
        if (refusedBecause == null) {
            assertThat(Adoption.refusal(c, BOXD, box)).isEmpty();
        } else {
            assertThat(Adoption.refusal(c, BOXD, box)).hasValueSatisfying(why -> assertThat(why).contains(refusedBecause));
        }
    }

    @org.junit.jupiter.api.Test
    void selfIsThisJvmAndItsAncestorsReachInit() {
        Self me = Self.current();
        assertThat(me.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(me.ancestors()).contains(ProcessHandle.current().parent().orElseThrow().pid()).contains(1L).doesNotContain(me.pid());
    }
}
