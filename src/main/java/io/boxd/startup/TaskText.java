package io.boxd.startup;

import io.boxd.cgroup.KernelText;
import java.util.OptionalInt;

/** Parsers for {@code /proc/<pid>/task/<tid>} text. */
final class TaskText {

    /** HotSpot's C2 threads are "C2 CompilerThread0"..., cut by the kernel to 15 characters. */
    static final String C2_COMM = "C2 CompilerThre";
    static final String C1_COMM = "C1 CompilerThre";

    private TaskText() {
    }

    static boolean isC2(String comm) {
        return comm.strip().equals(C2_COMM);
    }

    /** C1 or C2: a compiler thread may start more of either, and they inherit its nice. */
    static boolean isCompiler(String comm) {
        return isC2(comm) || comm.strip().equals(C1_COMM);
    }

    /**
     * The nice value of a {@code stat} line: field 19, counted after the command, which is in
     * parentheses and may itself hold spaces and parentheses.
     */
    static OptionalInt nice(String stat) {
        try {
            return KernelText.statField(stat, 19).map(f -> OptionalInt.of(Integer.parseInt(f))).orElse(OptionalInt.empty());
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
