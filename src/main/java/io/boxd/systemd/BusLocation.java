package io.boxd.systemd;

/**
 * Which systemd boxd talks to: root uses the system manager on the system bus; anyone else uses
 * their own user manager at {@code $XDG_RUNTIME_DIR/bus} (dbus-java does not look there itself).
 * An explicit {@code boxd.systemd.bus-address} wins, for tests and unusual hosts.
 */
record BusLocation(String address, String description, boolean rootless, int uid) {

    static final String SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket";

    static BusLocation resolve(String configured, int uid, String xdgRuntimeDir) {
        boolean rootless = uid != 0;
        if (configured != null && !configured.isBlank()) {
            return new BusLocation(configured.trim(), "boxd.systemd.bus-address=" + configured.trim(), rootless, uid);
        }
        if (!rootless) {
            return new BusLocation(SYSTEM_BUS, "the system manager on the system bus", false, uid);
        }
        String dir = xdgRuntimeDir == null || xdgRuntimeDir.isBlank() ? "/run/user/" + uid : xdgRuntimeDir.trim();
        return new BusLocation("unix:path=" + dir + "/bus",
                "the user manager of uid " + uid + " at " + dir + "/bus (rootless)", true, uid);
    }
}
