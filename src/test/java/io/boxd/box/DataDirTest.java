package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.BoxdProperties;
import io.boxd.driver.Enforcement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DataDirTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "rwxr-xr-x, rwxr-x---",
            "rwxrwxrwx, rwxrwx---",
            "rwxrwx---, rwxrwx---",
            "rwx------, rwx------",
            "rwx-----x, rwx------",
            "---------, ---------",
    })
    void closedToOthersDropsOnlyTheOthersBits(String mode, String closed) {
        assertThat(PosixFilePermissions.toString(DataDir.closedToOthers(PosixFilePermissions.fromString(mode)))).isEqualTo(closed);
    }

    @Test
    void aDataDirOpenToOthersIsClosedAndItsLogsDirMade() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path before = Files.createDirectory(data.resolve("logs"));
        Files.setPosixFilePermissions(before, PosixFilePermissions.fromString("rwxrwxr-x"));

        DataDir dir = new DataDir(props(data));

        assertThat(mode(data)).isEqualTo("rwxr-x---");
        assertThat(mode(data.resolve("logs"))).isEqualTo("rwxrwx---");
        assertThat(dir.logFile("b1")).isEqualTo(data.resolve("logs/b1.log"));
    }

    @Test
    void aMissingDataDirIsMadeClosedToOthers() throws IOException {
        Path data = tmp.resolve("new/data");

        new DataDir(props(data));

        assertThat(mode(data)).endsWith("---");
        assertThat(mode(data.resolve("logs"))).endsWith("---");
    }

    @Test
    void aDataDirThatCannotBeMadeDoesNotFailTheStart() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");

        DataDir dir = new DataDir(props(file));

        assertThat(dir.logFile("b1")).isEqualTo(file.resolve("logs/b1.log"));
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    private static BoxdProperties props(Path data) {
        return new BoxdProperties(Enforcement.STRICT, data, "auto");
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
