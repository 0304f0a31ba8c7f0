package io.boxd.driver;

import java.util.List;

/** What a driver found on this host. */
public record HostInfo(
        String driver,
        String driverReason,
        String cgroupMount,
        String cgroupBase,
        List<String> availableControllers,
        List<String> boxControllers,
        boolean cgroupKill,
        String enforcement,
        String baseUnit) {
}
