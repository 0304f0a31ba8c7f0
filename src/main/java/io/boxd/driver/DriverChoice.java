package io.boxd.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which driver runs, and why: {@code boxd.driver=auto} picks {@code systemd} when PID 1 is
 * systemd and {@code cgroupfs} otherwise; an explicit value wins.
 */
public record DriverChoice(String driver, String reason) {

    public static DriverChoice resolve(String configured, Path proc1Comm) {
        String want = configured == null || configured.isBlank() ? "auto" : configured.trim().toLowerCase();
        switch (want) {
            case "cgroupfs", "systemd" -> {
                return new DriverChoice(want, "boxd.driver=" + want);
            }
            case "auto" -> {
                String pid1 = pid1(proc1Comm);
                return "systemd".equals(pid1)
                        ? new DriverChoice("systemd", "boxd.driver=auto and PID 1 is systemd")
                        : new DriverChoice("cgroupfs", "boxd.driver=auto and PID 1 is " + (pid1.isEmpty() ? "unknown" : pid1) + ", not systemd");
            }
            default -> throw new IllegalArgumentException("boxd.driver must be auto, cgroupfs or systemd, not '" + configured + "'");
        }
    }

    private static String pid1(Path comm) {
        try {
            return Files.readString(comm).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
