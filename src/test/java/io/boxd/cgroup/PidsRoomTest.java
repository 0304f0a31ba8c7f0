package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.cgroup.PidsRoom.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PidsRoomTest {

    /** Levels as "path:max:current", the box first; "-" is a file that is absent. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            /b/x:2\\n:2\\n                   | none
            /b/x:2\\n:3\\n                   | pids.max: /b/x has pids.current 3 with the new process, over its pids.max 2
            /b/x:max\\n:900\\n               | none
            /b/x:-:-                         | none
            /b/x:5:-                         | none
            /b/x:max:1 ; /b:4:5              | pids.max: /b has pids.current 5 with the new process, over its pids.max 4
            /b/x:1:2 ; /b:4:5                | pids.max: /b/x has pids.current 2 with the new process, over its pids.max 1
            /b/x:0:1                         | pids.max: /b/x has pids.current 1 with the new process, over its pids.max 0
            /b/x:1024:1024 ; /b:max:5000     | none
            """)
    void aMovedProcessIsRefusedWhereALevelNowHoldsMoreThanItsPidsMax(String levels, String refusal) {
        List<Level> parsed = Arrays.stream(levels.split(";")).map(String::trim).map(l -> {
            String[] f = l.split(":");
            return new Level(f[0], text(f[1]), text(f[2]));
        }).toList();
        assertThat(PidsRoom.overflow(parsed)).isEqualTo(Optional.ofNullable(refusal));
    }

    private static String text(String field) {
        return field.equals("-") ? null : field.replace("\\n", "\n");
    }
}
