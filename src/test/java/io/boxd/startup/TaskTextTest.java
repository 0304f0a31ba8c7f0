package io.boxd.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskTextTest {

    // Real lines from /proc/<pid>/task/<tid>/stat of a JDK 17 on Linux 6.18 (the first two); the
    // rest are the same line with the command and nice changed.
    static final String C2_STAT = "14237 (C2 CompilerThre) S 14186 14186 1147 0 -1 4194368 1177 0 0 0 25 1 0 0 20 0 19 0 985924 "
            + "9188765696 19820 18446744073709551615 94422930165760 94422930166645 140736057951120 0 0 0 4 2 16800973 1 0 0 -1 0 0 0 "
            + "0 0 0 94422930177344 94422930178072 94423312588800 140736057952992 140736057953012 140736057953012 140736057954282 0";

    static Stream<Arguments> stats() {
        return Stream.of(
                Arguments.of(C2_STAT, OptionalInt.of(0)),
                Arguments.of(C2_STAT.replace(" 20 0 19 0 ", " 39 19 19 0 "), OptionalInt.of(19)),
                Arguments.of(C2_STAT.replace(" 20 0 19 0 ", " 15 -5 19 0 "), OptionalInt.of(-5)),
                Arguments.of(C2_STAT.replace("(C2 CompilerThre)", "(a) b (c) d)"), OptionalInt.of(0)),
                Arguments.of("14237 (C2 CompilerThre) S 14186", OptionalInt.empty()),
                Arguments.of("no parentheses at all", OptionalInt.empty()),
                Arguments.of(C2_STAT.replace(" 20 0 19 0 ", " 20 x 19 0 "), OptionalInt.empty()));
    }

    @ParameterizedTest
    @MethodSource("stats")
    void niceIsField19CountedAfterTheCommand(String stat, OptionalInt nice) {
        assertThat(TaskText.nice(stat)).isEqualTo(nice);
    }

    static Stream<Arguments> comms() {
        return Stream.of(
                Arguments.of("C2 CompilerThre\n", true, true),
                Arguments.of("C1 CompilerThre\n", false, true),
                Arguments.of("C2 CompilerThread0", false, false),
                Arguments.of("main\n", false, false),
                Arguments.of("GC Thread#0\n", false, false));
    }

    @ParameterizedTest
    @MethodSource("comms")
    void compilerThreadsAreKnownByTheirCutName(String comm, boolean c2, boolean compiler) {
        assertThat(TaskText.isC2(comm)).isEqualTo(c2);
        assertThat(TaskText.isCompiler(comm)).isEqualTo(compiler);
    }
}
