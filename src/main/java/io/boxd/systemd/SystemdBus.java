package io.boxd.systemd;

import io.boxd.driver.DriverException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that talks D-Bus. It keeps one private connection to systemd, subscribed to
 * {@code JobRemoved}, and makes a new one when the bus has dropped (a restarted dbus or user
 * manager). Every unit operation that queues a job waits, bounded, for that job's result and
 * treats anything but {@code done} as an error. {@code UnitExists} from a start is met by
 * resetting the failed unit and trying once more.
 */
class SystemdBus implements AutoCloseable {

    static final String DESTINATION = "org.freedesktop.systemd1";
    static final String MANAGER_PATH = "/org/freedesktop/systemd1";
    static final String MANAGER_IFACE = "org.freedesktop.systemd1.Manager";
    static final String SLICE_IFACE = "org.freedesktop.systemd1.Slice";
    /** dbus-java names a remote error by the class it maps the error to; these exist for that. */
    static final String UNIT_EXISTS = org.freedesktop.systemd1.UnitExists.class.getName();
    static final String NO_SUCH_UNIT = org.freedesktop.systemd1.NoSuchUnit.class.getName();

    private static final Logger log = LoggerFactory.getLogger(SystemdBus.class);

    private record Session(DBusConnection conn, SystemdManager manager, AutoCloseable jobSignals) {
    }

    private final BusLocation location;
    private final Duration jobTimeout;
    private final JobResults jobs = new JobResults();
    private Session session;
    private int connects;

    SystemdBus(BusLocation location, Duration jobTimeout) {
        this.location = location;
        this.jobTimeout = jobTimeout;
    }

    BusLocation location() {
        return location;
    }

    /** How many connections were made so far (1 unless the bus dropped). */
    synchronized int connects() {
        return connects;
    }

    // ---- unit operations ---------------------------------------------------------------

    /** Starts a transient unit and waits for its job; {@code UnitExists} → reset-failed, then once more. */
    void startTransientUnit(String name, List<UnitProperty> properties) {
        try {
            runJob("start " + name, m -> m.StartTransientUnit(name, "fail", properties, List.of()));
        } catch (SystemdCallException e) {
            if (!UNIT_EXISTS.equals(e.errorName())) {
                throw e;
            }
            log.info("{} exists; resetting it and trying once more", name);
            resetFailedUnit(name);
            runJob("start " + name, m -> m.StartTransientUnit(name, "fail", properties, List.of()));
        }
    }

    /** Stops a unit and waits; a unit systemd does not know is already stopped. */
    void stopUnit(String name) {
        try {
            runJob("stop " + name, m -> m.StopUnit(name, "replace"));
        } catch (SystemdCallException e) {
            if (!NO_SUCH_UNIT.equals(e.errorName())) {
                throw e;
            }
        }
    }

    /** Forgets a failed unit; a unit that is not loaded any more is fine. */
    void resetFailedUnit(String name) {
        try {
            call("reset-failed " + name, m -> {
                m.ResetFailedUnit(name);
                return null;
            });
        } catch (SystemdCallException e) {
            if (!NO_SUCH_UNIT.equals(e.errorName())) {
                throw e;
            }
        }
    }

    /** Runtime property changes (they land in /run, so they last until reboot and survive daemon-reload). */
    void setUnitProperties(String name, List<UnitProperty> properties) {
        call("set properties of " + name, m -> {
            m.SetUnitProperties(name, true, properties);
            return null;
        });
    }

    List<UnitStatus> listUnitsByPatterns(List<String> patterns) {
        return call("list units " + patterns, m -> m.ListUnitsByPatterns(List.of(), patterns));
    }

    /** The unit's cgroup path under the cgroup2 mount (leading '/'), or empty if it is not loaded or has none. */
    Optional<String> controlGroup(String unit, String iface) {
        DBusPath path;
        try {
            path = call("get unit " + unit, m -> m.GetUnit(unit));
        } catch (SystemdCallException e) {
            if (NO_SUCH_UNIT.equals(e.errorName())) {
                return Optional.empty();
            }
            throw e;
        }
        String cg = property("ControlGroup of " + unit, path.getPath(), iface, "ControlGroup");
        return cg == null || cg.isEmpty() ? Optional.empty() : Optional.of(cg);
    }

    /** The manager's own root cgroup: "" or "/" for the system manager, user@UID.service's for a user manager. */
    String managerControlGroup() {
        String cg = property("the manager's ControlGroup", MANAGER_PATH, MANAGER_IFACE, "ControlGroup");
        return cg == null ? "" : cg;
    }

    private String property(String what, String objectPath, String iface, String name) {
        return call(what, m -> {
            try {
                Properties p = currentConnection().getRemoteObject(DESTINATION, objectPath, Properties.class);
                Object v = p.Get(iface, name);
                return v == null ? null : v.toString();
            } catch (DBusException e) {
                throw new DBusExecutionException(e.getMessage(), e);
            }
        });
    }

    // ---- jobs and calls ----------------------------------------------------------------

    private void runJob(String what, Function<SystemdManager, DBusPath> queue) {
        DBusPath job = call(what, queue);
        Optional<String> result = jobs.await(job.getPath(), jobTimeout);
        if (result.isEmpty()) {
            throw new SystemdCallException(what + ": systemd job " + job.getPath() + " did not finish within "
                    + jobTimeout.toMillis() + " ms", "timeout", null);
        }
        if (!"done".equals(result.get())) {
            throw new SystemdCallException(what + ": systemd job " + job.getPath() + " ended '" + result.get()
                    + "', not 'done' (see journalctl" + (location.rootless() ? " --user" : "") + ")", result.get(), null);
        }
    }

    /**
     * Runs one call; when it fails because the bus dropped, connects again and retries once. A
     * remote error becomes a {@link SystemdCallException} with systemd's error name.
     */
    private <T> T call(String what, Function<SystemdManager, T> op) {
        Session s = session();
        try {
            return op.apply(s.manager());
        } catch (DBusExecutionException e) {
            if (s.conn().isConnected() && e.getType() != null && !isDisconnect(e)) {
                throw remote(what, e);
            }
            log.warn("D-Bus to systemd dropped during '{}' ({}); reconnecting to {}", what, e.getMessage(), location.address());
            drop(s);
        } catch (RuntimeException e) {
            if (s.conn().isConnected()) {
                throw new DriverException(what + ": " + e, e);
            }
            log.warn("D-Bus to systemd dropped during '{}' ({}); reconnecting to {}", what, e, location.address());
            drop(s);
        }
        try {
            return op.apply(session().manager());
        } catch (DBusExecutionException e) {
            throw remote(what, e);
        }
    }

    private static boolean isDisconnect(DBusExecutionException e) {
        String type = e.getType();
        return type != null && (type.endsWith("NotConnected") || type.endsWith("Disconnected") || type.endsWith("NoReply"));
    }

    private static SystemdCallException remote(String what, DBusExecutionException e) {
        return new SystemdCallException(what + ": " + (e.getType() == null ? "" : e.getType() + ": ") + e.getMessage(),
                e.getType(), e);
    }

    private synchronized DBusConnection currentConnection() {
        return session().conn();
    }

    private synchronized Session session() {
        if (session != null && session.conn().isConnected()) {
            return session;
        }
        if (session != null) {
            closeQuietly(session);
            session = null;
        }
        session = connect();
        return session;
    }

    private synchronized void drop(Session s) {
        if (session == s) {
            closeQuietly(s);
            session = null;
        }
    }

    private Session connect() {
        DBusConnection conn = null;
        try {
            conn = DBusConnectionBuilder.forAddress(location.address()).withShared(false).build();
            AutoCloseable signals = conn.addSigHandler(SystemdManager.JobRemoved.class,
                    sig -> jobs.finished(sig.getJob().getPath(), sig.getResult()));
            SystemdManager manager = conn.getRemoteObject(DESTINATION, MANAGER_PATH, SystemdManager.class);
            manager.Subscribe();
            connects++;
            return new Session(conn, manager, signals);
        } catch (DBusException | DBusExecutionException e) {
            if (conn != null) {
                conn.disconnect();
            }
            throw new DriverException("cannot reach systemd (" + location.description() + ") at " + location.address()
                    + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Session s) {
        try {
            s.jobSignals().close();
        } catch (Exception ignored) {
            // the connection is going anyway
        }
        s.conn().disconnect();
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            closeQuietly(session);
            session = null;
        }
    }
}
