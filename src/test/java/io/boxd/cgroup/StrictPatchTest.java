package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.driver.Enforcement;
import io.boxd.driver.LimitNotEnforceableException;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strict PATCH that names a file the kernel does not offer (memory.swap.max without swap
 * accounting) must refuse before it writes anything, or a live box keeps half a change that its
 * record does not show. No kernel here has that shape (memory with no memory.swap.max), so this
 * runs on a directory laid out like cgroupfs: it proves the order of decisions, not the kernel.
 */
class StrictPatchTest {

    @TempDir
    Path root;

    @Test
    void aStrictPatchNamingAFileTheKernelLacksWritesNothing() throws Exception {
        for (Path level : new Path[] {root, root.resolve("boxlite")}) {
            Files.createDirectories(level);
            Files.writeString(level.resolve("cgroup.controllers"), "memory\n");
            Files.writeString(level.resolve("cgroup.subtree_control"), "memory\n");
        }
        Path box = Files.createDirectories(root.resolve("boxlite/b"));
        Files.writeString(box.resolve("cgroup.controllers"), "memory\n");
        Files.writeString(box.resolve("memory.max"), "max\n");
        var props = new CgroupProperties(null, "boxlite", Set.of("memory"), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), false, false);
        CgroupfsDriver d = new CgroupfsDriver(new CgroupFs(root), props, Enforcement.STRICT, "test", root.resolve("data"));
        try {
            Limits patch = new Limits(LimitValue.of(64L << 20), null, LimitValue.of(0), null, null, null);

            assertThatThrownBy(() -> d.applyLimits("b", patch)).isInstanceOf(LimitNotEnforceableException.class)
                    .hasMessageContaining("memorySwapMaxBytes");
            assertThat(Files.readString(box.resolve("memory.max"))).as("memory.max untouched").isEqualTo("max\n");
        } finally {
            d.close();
        }
    }
}
