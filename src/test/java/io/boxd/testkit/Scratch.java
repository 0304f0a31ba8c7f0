package io.boxd.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.Ordered;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * One test class's own place on the real kernel: a unique cgroup base under the cgroup v2 mount
 * and a temp data dir, the settings that point boxd at them, and the cleanup that removes both and
 * fails when anything survives.
 */
public final class Scratch {

    /** The cgroup base boxd is given, {@code boxd-<name>-<8 hex digits>}. */
    public final String base;
    public final Path baseDir;
    public final Path dataDir;

    private Scratch(String name) {
        this.base = "boxd-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.baseDir = Kernel.mount().resolve(base);
        try {
            this.dataDir = Files.createTempDirectory("boxd-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new scratch; its names start with {@code boxd-<name>-}, which CI's leftover check looks for. */
    public static Scratch create(String name) {
        return new Scratch(name);
    }

    /** What points boxd here; the cgroupfs driver, which these tests exercise whatever PID 1 is. */
    public Map<String, String> settings() {
        return Map.of("boxd.cgroup.base", base, "boxd.data-dir", dataDir.toString(), "boxd.driver", "cgroupfs");
    }

    public void register(DynamicPropertyRegistry r) {
        settings().forEach((k, v) -> r.add(k, () -> v));
    }

    /** Kills and removes every cgroup under the base, deletes the data dir, and fails if anything survives. */
    public void remove() {
        try {
            Kernel.killAndRemove(baseDir);
        } finally {
            Kernel.deleteTree(dataDir);
        }
        assertThat(baseDir).as("the cgroup base must be gone").doesNotExist();
        assertThat(dataDir).as("the data dir must be gone").doesNotExist();
        assertThat(Kernel.processesUnder(base)).as("processes left under %s", base).isEmpty();
    }

    /**
     * For a test class that holds its scratch in a static field. Runs first among Spring's
     * after-class steps: closes boxd (through the test context cache, so Spring does not try to
     * restart it) so nothing makes cgroups any more, then removes the scratch.
     */
    public static final class CleanUp implements TestExecutionListener, Ordered {
        @Override
        public void afterTestClass(TestContext ctx) throws IllegalAccessException {
            List<Scratch> all = staticFieldsOf(ctx.getTestClass());
            try {
                ctx.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
            } finally {
                all.forEach(Scratch::remove);
            }
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }

        private static List<Scratch> staticFieldsOf(Class<?> type) throws IllegalAccessException {
            List<Scratch> out = new ArrayList<>();
            for (Field f : type.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == Scratch.class) {
                    f.setAccessible(true);
                    out.add((Scratch) f.get(null));
                }
            }
            if (out.isEmpty()) {
                throw new IllegalStateException(type.getName() + " lists Scratch.CleanUp but has no static Scratch field");
            }
            return out;
        }
    }
}
