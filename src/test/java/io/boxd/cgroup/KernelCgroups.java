package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

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
    static int cleanUp(Path mount, String base) throws IOException {
        Path dir = mount.resolve(base);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int left;
        try (Stream<Path> s = Files.walk(dir)) {
            left = (int) s.filter(Files::isDirectory).count() - 1;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isDirectory).sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(d -> {
                try {
                    Path kill = d.resolve("cgroup.kill");
                    if (Files.exists(kill)) {
                        Files.writeString(kill, "1");
                    }
                    for (int i = 0; i < 200 && Files.readString(d.resolve("cgroup.events")).contains("populated 1"); i++) {
                        Thread.sleep(5);
                    }
                    Files.delete(d);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot clean up " + d, e);
                }
            });
        }
        assertThat(dir).doesNotExist();
        return left;
    }
}
