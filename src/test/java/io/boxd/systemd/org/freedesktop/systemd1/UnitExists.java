package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * Test-only: dbus-java names the D-Bus error after the class an exported method throws, so the
 * fake systemd throws a class whose name is systemd's error name, {@code org.freedesktop.systemd1.UnitExists}.
 */
public class UnitExists extends DBusExecutionException {

    public UnitExists(String message) {
        super(message);
    }
}
