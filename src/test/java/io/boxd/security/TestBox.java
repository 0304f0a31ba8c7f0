package io.boxd.security;

import io.boxd.testkit.Kernel;
import io.boxd.testkit.Scratch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A security test's private world: its {@link Scratch}, removed in {@link #close}. */
final class TestBox implements AutoCloseable {

    private final Scratch scratch;
    final Path dataDir;
    final Path baseDir;

    TestBox(String name) {
        this.scratch = Scratch.create("test-" + name);
        this.dataDir = scratch.dataDir;
        this.baseDir = scratch.baseDir;
    }

    /** Settings that point boxd at this world. */
    Map<String, String> settings() {
        return scratch.settings();
    }

    @Override
    public void close() throws Exception {
        scratch.remove();
    }

    /** The box cgroups under the base now. */
    List<String> boxDirsOrEmpty() {
        return List.copyOf(Kernel.dirs(baseDir));
    }

    /** The pids in a box's cgroup. */
    List<String> procs(String id) throws IOException {
        return Files.readAllLines(baseDir.resolve(id).resolve("cgroup.procs")).stream().filter(l -> !l.isBlank()).toList();
    }
}
