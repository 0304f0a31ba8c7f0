package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * systemd's D-Bus error {@code org.freedesktop.systemd1.NoSuchUnit}. dbus-java 5.2 keeps no error
 * name on the exception: it turns a D-Bus error into an instance of the class with that exact
 * name, or else a bare DBusExecutionException. So boxd's systemd driver (io.boxd.systemd) can
 * only tell this error apart if this class exists under this name.
 */
public class NoSuchUnit extends DBusExecutionException {

    public NoSuchUnit(String message) {
        super(message);
    }
}
