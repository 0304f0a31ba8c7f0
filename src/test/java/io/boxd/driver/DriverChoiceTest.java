package io.boxd.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DriverChoiceTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "boxd.driver={0}, PID 1 {1} -> {2}")
    @CsvSource({"auto,systemd,systemd", "auto,init,cgroupfs", "auto,process_api,cgroupfs",
            "cgroupfs,systemd,cgroupfs", "systemd,init,systemd", "AUTO,systemd,systemd"})
    void autoPicksSystemdOnlyWhenPid1IsSystemd(String configured, String pid1, String expected) throws Exception {
        Path comm = Files.writeString(dir.resolve("comm"), pid1 + "\n");
        DriverChoice c = DriverChoice.resolve(configured, comm);
        assertThat(c.driver()).isEqualTo(expected);
        assertThat(c.reason()).isNotBlank();
    }

    @Test
    void unknownDriverIsRefused() {
        assertThatThrownBy(() -> DriverChoice.resolve("docker", dir.resolve("none"))).hasMessageContaining("auto, cgroupfs or systemd");
    }
}
