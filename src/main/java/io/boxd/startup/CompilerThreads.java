package io.boxd.startup;

import io.boxd.security.ProcSelf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Runs the JIT's C2 compiler threads at nice {@value #STARTUP_NICE} while boxd starts and puts
 * every compiler thread back at the JVM's own nice when boxd is ready. Only with CAP_SYS_NICE:
 * anyone may raise a nice value, but lowering it again takes that capability, which uid 0 in the
 * Helm chart's cut-down set does not have. Every change is read back from
 * {@code /proc}; anything that does not work leaves the JVM as it was and never fails the start.
 * {@code -Dboxd.startup.c2-nice=off} turns it off.
 */
public final class CompilerThreads {

    static final int STARTUP_NICE = 19;
    static final String SWITCH = "boxd.startup.c2-nice";
    private static final Logger log = LoggerFactory.getLogger(CompilerThreads.class);

    private final Path self;
    private final int original;
    private final List<Integer> lowered;

    private CompilerThreads(Path self, int original, List<Integer> lowered) {
        this.self = self;
        this.original = original;
        this.lowered = lowered;
    }

    /** From {@code main}, before the context starts. */
    public static void whileStarting(SpringApplication app) {
        if ("off".equals(System.getProperty(SWITCH))) {
            return;
        }
        CompilerThreads c = lower(Path.of("/proc/self"), ProcSelf.read());
        if (!c.lowered.isEmpty()) {
            app.addListeners(new RestoreWhenReady(c));
        }
    }

    /**
     * Lowers this JVM's C2 threads if {@code privileges} may put them back; the result knows
     * which, and the nice to go back to.
     */
    static CompilerThreads lower(Path self, ProcSelf privileges) {
        List<Integer> lowered = new ArrayList<>();
        int original = nice(self, 0).orElse(0);
        if (!privileges.has(ProcSelf.CAP_SYS_NICE)) {
            return new CompilerThreads(self, original, lowered);
        }
        for (int tid : compilerThreads(self, true)) {
            OptionalInt now = nice(self, tid);
            if (now.isPresent() && now.getAsInt() < STARTUP_NICE && renice(self, tid, STARTUP_NICE)) {
                lowered.add(tid);
            }
        }
        return new CompilerThreads(self, original, lowered);
    }

    /**
     * Every compiler thread back at the JVM's nice, including any a lowered thread started (they
     * inherit its nice). Returns the threads that could not be put back.
     */
    List<Integer> restore() {
        List<Integer> failed = new ArrayList<>();
        for (int tid : compilerThreads(self, false)) {
            OptionalInt now = nice(self, tid);
            if (now.isPresent() && now.getAsInt() != original && !renice(self, tid, original)) {
                failed.add(tid);
            }
        }
        return failed;
    }

    List<Integer> lowered() {
        return List.copyOf(lowered);
    }

    int original() {
        return original;
    }

    private static List<Integer> compilerThreads(Path self, boolean c2Only) {
        List<Integer> tids = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(self.resolve("task"))) {
            for (Path task : tasks) {
                String comm = read(task.resolve("comm"));
                if (comm != null && (c2Only ? TaskText.isC2(comm) : TaskText.isCompiler(comm))) {
                    tids.add(Integer.parseInt(task.getFileName().toString()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc, or a thread ended while we looked: nothing to do.
        }
        return tids;
    }

    /** The nice of thread {@code tid}, or of the process for 0. */
    private static OptionalInt nice(Path self, int tid) {
        String stat = read(tid == 0 ? self.resolve("stat") : self.resolve("task").resolve(Integer.toString(tid)).resolve("stat"));
        return stat == null ? OptionalInt.empty() : TaskText.nice(stat);
    }

    /** {@code renice} (util-linux, absolute with -n) on one thread, then read back. */
    private static boolean renice(Path self, int tid, int nice) {
        try {
            Process p = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", Integer.toString(tid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        OptionalInt now = nice(self, tid);
        return now.isPresent() && now.getAsInt() == nice;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Puts the compiler threads back once the context is ready (after the startup reconcile). */
    static final class RestoreWhenReady implements ApplicationListener<ApplicationReadyEvent> {

        private final CompilerThreads threads;

        RestoreWhenReady(CompilerThreads threads) {
            this.threads = threads;
        }

        @Override
        public void onApplicationEvent(ApplicationReadyEvent event) {
            List<Integer> failed = threads.restore();
            if (failed.isEmpty()) {
                log.debug("C2 compiler threads {} ran at nice {} while boxd started; all compiler threads are back at {}",
                        threads.lowered, STARTUP_NICE, threads.original);
            } else {
                log.warn("compiler threads {} could not be put back from nice {} to {}: the JIT is slower than it should be "
                        + "(start with -D{}=off to leave it alone)", failed, STARTUP_NICE, threads.original, SWITCH);
            }
        }
    }
}
