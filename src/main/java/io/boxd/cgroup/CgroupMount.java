package io.boxd.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates a usable cgroup v2 mount, or fails with a message that says what to do. */
final class CgroupMount {

    private CgroupMount() {
    }

    static Path locate(String configured, Path mountinfo) {
        Path mount;
        if (configured != null && !configured.isBlank()) {
            mount = Path.of(configured);
        } else {
            String text;
            try {
                text = Files.readString(mountinfo);
            } catch (IOException e) {
                throw new CgroupUnavailableException("cannot read " + mountinfo + " to find the cgroup v2 mount: " + e.getMessage());
            }
            mount = KernelText.cgroup2Mount(text).map(Path::of).orElseThrow(() -> new CgroupUnavailableException(
                    "no cgroup2 filesystem is mounted (" + mountinfo + " lists none)"));
        }
        if (!Files.isRegularFile(mount.resolve("cgroup.controllers"))) {
            throw new CgroupUnavailableException(mount + " is not a cgroup v2 mount (it has no cgroup.controllers)");
        }
        return mount;
    }
}
