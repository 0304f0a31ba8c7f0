package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.driver.Enforcement;
import io.boxd.limits.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every kernel test of the driver again, with processes started through the native spawn server
 * (boxd's default where it was built with a C compiler). The packaging test checks that the jar
 * holds it, so a build without it cannot pass CI by testing perl twice.
 */
class NativeSpawnServerKernelTest extends CgroupfsDriverKernelTest {

    @Override
    boolean nativeSpawnServer() {
        return true;
    }

    @Override
    String expectedLauncher() {
        return "native spawn server";
    }

    @Test
    void nativeServerRunsFromTheDataDirAndIsCopiedAgainWhenItsFileIsGone() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("copy", Limits.NONE);
        long server = d.spawner().serverPid().orElseThrow();
        Path exe = tmp.resolve("data/spawn-server");
        assertThat(executableOf(server)).isEqualTo(exe);
        assertThat(Files.getPosixFilePermissions(exe)).isEqualTo(PosixFilePermissions.fromString("r-x------"));
        // Something removes the copy, and the server dies: its restart needs a new copy.
        Files.delete(exe);
        ProcessHandle handle = ProcessHandle.of(server).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get();

        var p = d.spawn("copy", spec("sleep", "300"));
        pids.add(p.pid());

        assertThat(cgroupOf(p.pid())).isEqualTo("/" + base + "/copy");
        assertThat(executableOf(d.spawner().serverPid().orElseThrow())).isEqualTo(exe);
        try (var left = Files.list(exe.getParent())) {
            assertThat(left).as("no partial copy is left").allMatch(f -> !f.getFileName().toString().endsWith(".part"));
        }
    }

    private static Path executableOf(long pid) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe"));
    }
}
