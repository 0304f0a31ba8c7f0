package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.driver.SpawnSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The box log every spawn path appends to: made private before anything opens it. */
class SpawnerLogFileTest {

    @TempDir
    Path tmp;

    static SpawnSpec writingTo(Path log) {
        return new SpawnSpec(List.of("true"), Map.of(), null, null, null, log);
    }

    @Test
    void aMissingLogIsMadeReadableByNoOtherUserWithItsDirectory() throws IOException {
        Path log = tmp.resolve("deleted/logs/b1.log");

        Spawner.ensureLogFile(writingTo(log));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-r-----");
        assertThat(Files.size(log)).isZero();
    }

    @Test
    void anExistingLogIsLeftAsItIs() throws IOException {
        Path log = Files.writeString(tmp.resolve("b1.log"), "earlier output\n");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-------"));

        Spawner.ensureLogFile(writingTo(log));

        assertThat(Files.readString(log)).isEqualTo("earlier output\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");
    }
}
