package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the {@code logs} component says of the directory, on the real filesystem (a read-only mount: ReadOnlyLogsApiTest). */
class LogsHealthIndicatorTest {

    @TempDir
    Path data;

    @Test
    void aWritableDirectoryIsFine() throws Exception {
        Path logs = Files.createDirectory(data.resolve("logs"));
        assertThat(LogsHealthIndicator.problem(logs)).isNull();
    }

    @Test
    void aMissingDirectoryCountsByItsParentSinceASpawnMakesIt() {
        assertThat(LogsHealthIndicator.problem(data.resolve("logs"))).isNull();
        assertThat(LogsHealthIndicator.problem(data.resolve("gone/logs"))).startsWith("boxd cannot create files in " + data.resolve("gone"));
    }

    @Test
    void aFileOrADanglingLinkWhereTheDirectoryGoesIsAProblem() throws Exception {
        Path file = Files.writeString(data.resolve("logs"), "x");
        assertThat(LogsHealthIndicator.problem(file)).isEqualTo(file + " is not a directory: no box's log can be made in it");
        Path link = Files.createSymbolicLink(data.resolve("logs2"), data.resolve("nowhere"));
        assertThat(LogsHealthIndicator.problem(link)).isEqualTo(link + " is not a directory: no box's log can be made in it");
    }
}
