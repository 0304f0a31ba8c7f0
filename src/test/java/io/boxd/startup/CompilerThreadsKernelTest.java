package io.boxd.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.boxd.security.ProcSelf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** On this test JVM's own compiler threads, through the real /proc and renice. Needs CAP_SYS_NICE. */
class CompilerThreadsKernelTest {

    static final Path SELF = Path.of("/proc/self");
    /** uid 0 as the Helm chart runs boxd: CAP_KILL, CAP_SETGID and CAP_SETUID only. */
    static final ProcSelf CHART_ROOT = new ProcSelf(0, 0, 0xe0L);
    CompilerThreads lowered;

    @AfterEach
    void putBack() {
        if (lowered != null) {
            lowered.restore();
        }
    }

    static OptionalInt nice(int tid) throws IOException {
        return TaskText.nice(Files.readString(SELF.resolve("task/" + tid + "/stat")));
    }

    @Test
    void c2RunsAtNice19UntilRestoredAndThenAtTheJvmsNice() throws IOException {
        assumeTrue(ProcSelf.read().has(ProcSelf.CAP_SYS_NICE), "needs CAP_SYS_NICE");
        lowered = CompilerThreads.lower(SELF, ProcSelf.read());
        assertThat(lowered.lowered()).as("this JVM's C2 threads").isNotEmpty();
        for (int tid : lowered.lowered()) {
            assertThat(Files.readString(SELF.resolve("task/" + tid + "/comm")).strip()).isEqualTo(TaskText.C2_COMM);
            assertThat(nice(tid)).isEqualTo(OptionalInt.of(CompilerThreads.STARTUP_NICE));
        }
        assertThat(lowered.restore()).isEmpty();
        for (int tid : lowered.lowered()) {
            assertThat(nice(tid)).isEqualTo(OptionalInt.of(lowered.original()));
        }
    }

    @Test
    void withoutCapSysNiceNoThreadIsLoweredSinceNoneCouldBePutBack() throws IOException {
        Map<Integer, OptionalInt> before = compilerNices();
        assertThat(before).as("this JVM's compiler threads").isNotEmpty();
        lowered = CompilerThreads.lower(SELF, CHART_ROOT);
        assertThat(lowered.lowered()).isEmpty();
        // The JIT starts and ends compiler threads as it likes: compare those there both times.
        Map<Integer, OptionalInt> after = compilerNices();
        after.keySet().retainAll(before.keySet());
        assertThat(after).as("compiler threads there before and after").isNotEmpty();
        before.keySet().retainAll(after.keySet());
        assertThat(after).isEqualTo(before);
    }

    static Map<Integer, OptionalInt> compilerNices() throws IOException {
        Map<Integer, OptionalInt> out = new LinkedHashMap<>();
        try (var tasks = Files.list(SELF.resolve("task"))) {
            for (Path t : tasks.sorted().toList()) {
                if (TaskText.isCompiler(Files.readString(t.resolve("comm")))) {
                    int tid = Integer.parseInt(t.getFileName().toString());
                    out.put(tid, nice(tid));
                }
            }
        }
        return out;
    }

    @Test
    void restorePutsBackACompilerThreadThatWasNotLoweredByUs() throws IOException, InterruptedException {
        assumeTrue(ProcSelf.read().has(ProcSelf.CAP_SYS_NICE), "needs CAP_SYS_NICE");
        lowered = CompilerThreads.lower(SELF, ProcSelf.read());
        // A C1 thread started by a lowered C2 thread would inherit nice 19: stand in for it.
        int c1 = -1;
        try (var tasks = Files.list(SELF.resolve("task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readString(t.resolve("comm")).strip().equals(TaskText.C1_COMM)) {
                    c1 = Integer.parseInt(t.getFileName().toString());
                }
            }
        }
        assumeTrue(c1 > 0, "no C1 thread (interpreter-only or C2-only JVM)");
        assertThat(new ProcessBuilder("renice", "-n", "19", "-p", Integer.toString(c1)).start().waitFor()).isZero();
        assertThat(nice(c1)).isEqualTo(OptionalInt.of(19));
        assertThat(lowered.restore()).isEmpty();
        assertThat(nice(c1)).isEqualTo(OptionalInt.of(lowered.original()));
    }
}
