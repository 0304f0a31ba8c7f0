package io.boxd.systemd;

import java.util.List;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/**
 * The part of {@code org.freedesktop.systemd1.Manager} that boxd calls, with systemd's exact
 * D-Bus signatures (checked by a test). Public, with systemd's method names, because dbus-java
 * builds proxies and dispatches by reflection from its own package.
 */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
public interface SystemdManager extends DBusInterface {

    /** {@code ssa(sv)a(sa(sv)) → o}. */
    DBusPath StartTransientUnit(String name, String mode, List<UnitProperty> properties, List<AuxUnit> aux);

    /** {@code ss → o}. */
    DBusPath StopUnit(String name, String mode);

    /** {@code s}. */
    void ResetFailedUnit(String name);

    /** {@code sba(sv)}. */
    void SetUnitProperties(String name, boolean runtime, List<UnitProperty> properties);

    /** {@code s → o}. */
    DBusPath GetUnit(String name);

    /** {@code asas → a(ssssssouso)}. */
    List<UnitStatus> ListUnitsByPatterns(List<String> states, List<String> patterns);

    /** Without a subscriber systemd does not emit {@code JobRemoved}. */
    void Subscribe();

    /** {@code uoss}: a job finished; {@code result} is done, canceled, timeout, failed, dependency or skipped. */
    class JobRemoved extends DBusSignal {

        private final UInt32 id;
        private final DBusPath job;
        private final String unit;
        private final String result;

        public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result) throws DBusException {
            super(path, id, job, unit, result);
            this.id = id;
            this.job = job;
            this.unit = unit;
            this.result = result;
        }

        public UInt32 getId() {
            return id;
        }

        public DBusPath getJob() {
            return job;
        }

        public String getUnit() {
            return unit;
        }

        public String getResult() {
            return result;
        }
    }
}
