package io.boxd.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** On this test JVM's own compiler threads, through the real /proc and renice. Needs root. */
class CompilerThreadsKernelTest {

    static final Path SELF = Path.of("/proc/self");
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
        assumeTrue(TaskText.effectiveUid(Files.readString(SELF.resolve("status"))).orElse(-1) == 0, "needs root");
        lowered = CompilerThreads.lower(SELF);
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
    void restorePutsBackACompilerThreadThatWasNotLoweredByUs() throws IOException, InterruptedException {
        assumeTrue(TaskText.effectiveUid(Files.readString(SELF.resolve("status"))).orElse(-1) == 0, "needs root");
        lowered = CompilerThreads.lower(SELF);
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
