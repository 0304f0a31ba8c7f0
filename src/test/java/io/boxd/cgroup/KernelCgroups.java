package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Kernel;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The real cgroup v2 hierarchy of the test host, under a base that is unique to one test run.
 * On this project's build hosts that is the hybrid mount /sys/fs/cgroup/unified, as root.
 */
final class KernelCgroups {

    private KernelCgroups() {
    }

    static Path mount() {
        return CgroupMount.locate(null, Path.of("/proc/self/mountinfo"));
    }

    static String uniqueBase() {
        return "boxd-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Kills whatever is left under {@code base} and removes it; returns how many cgroups were left. */
    static int cleanUp(Path mount, String base) {
        Path dir = mount.resolve(base);
        int removed = Kernel.killAndRemove(dir);
        assertThat(dir).doesNotExist();
        return Math.max(0, removed - 1);
    }
}
