package io.boxd.systemd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.freedesktop.systemd1.NoSuchUnit;
import org.freedesktop.systemd1.UnitExists;

/**
 * A stand-in for systemd's manager on a private bus. It records every call exactly as it
 * arrived (method, arguments, property names with their D-Bus signatures), emits
 * {@code JobRemoved} before it replies (the order that races real clients), and "realizes" a
 * slice as a directory of limit files under {@code mount}, so the driver's read-back has
 * something to read. It proves the protocol, not what the kernel does: that is the lab's job.
 */
class FakeSystemd implements SystemdManager, Properties {

    record Call(String method, List<Object> args) {
    }

    private final Path mount;
    private final String managerCgroup;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    /** unit → ActiveState ("active" or "failed"). */
    private final Map<String, String> units = Collections.synchronizedMap(new LinkedHashMap<>());
    /** A scope's slice (its Slice= property): real systemd makes the scope's cgroup inside it. */
    private final Map<String, String> sliceOf = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicLong jobIds = new AtomicLong(100);
    private DBusConnection conn;

    volatile String nextJobResult = "done";
    volatile boolean swallowJobs;
    volatile long jobDelayMillis;

    FakeSystemd(Path mount, String managerCgroup) {
        this.mount = mount;
        this.managerCgroup = managerCgroup;
    }

    /** Connects to the bus at {@code address} and takes systemd's name there. */
    void attach(String address) throws DBusException {
        conn = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        conn.requestBusName(SystemdBus.DESTINATION);
        conn.exportObject(SystemdBus.MANAGER_PATH, this);
        synchronized (units) {
            for (String u : units.keySet()) {
                conn.exportObject(unitPath(u), new UnitObject(u));
            }
        }
    }

    void detach() {
        if (conn != null) {
            conn.disconnect();
            conn = null;
        }
    }

    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    List<String> methods() {
        return calls().stream().map(Call::method).toList();
    }

    Call last(String method) {
        List<Call> all = calls();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).method().equals(method)) {
                return all.get(i);
            }
        }
        throw new AssertionError("no call to " + method + " in " + methods());
    }

    Map<String, String> units() {
        synchronized (units) {
            return Map.copyOf(units);
        }
    }

    void markFailed(String unit) {
        units.put(unit, "failed");
    }

    /** A unit systemd stopped but has not garbage-collected yet. */
    void markInactive(String unit) {
        units.put(unit, "inactive");
    }

    // ---- org.freedesktop.systemd1.Manager ----------------------------------------------

    @Override
    public DBusPath StartTransientUnit(String name, String mode, List<UnitProperty> properties, List<AuxUnit> aux) {
        calls.add(new Call("StartTransientUnit", List.of(name, mode, List.copyOf(properties), List.copyOf(aux))));
        if (units.containsKey(name)) {
            throw new UnitExists("Unit " + name + " was already loaded or has a fragment file.");
        }
        units.put(name, "active");
        if (name.endsWith(".slice")) {
            writeFiles(name, properties, true);
        } else if (name.endsWith(".scope")) {
            properties.stream().filter(p -> p.name().equals("Slice")).findFirst()
                    .ifPresent(p -> sliceOf.put(name, (String) p.value().getValue()));
            makeScope(name);
        }
        try {
            conn.exportObject(unitPath(name), new UnitObject(name));
        } catch (DBusException e) {
            throw new IllegalStateException(e);
        }
        return job(name);
    }

    @Override
    public DBusPath StopUnit(String name, String mode) {
        calls.add(new Call("StopUnit", List.of(name, mode)));
        if (units.remove(name) != null) {
            conn.unExportObject(unitPath(name));
        }
        deleteDir(cgroupDir(name));
        return job(name);
    }

    @Override
    public void ResetFailedUnit(String name) {
        calls.add(new Call("ResetFailedUnit", List.of(name)));
        String state = units.get(name);
        if (state == null) {
            throw new NoSuchUnit("Unit " + name + " not loaded.");
        }
        if (state.equals("failed")) {
            units.remove(name);
            conn.unExportObject(unitPath(name));
        }
    }

    @Override
    public void SetUnitProperties(String name, boolean runtime, List<UnitProperty> properties) {
        calls.add(new Call("SetUnitProperties", List.of(name, runtime, List.copyOf(properties))));
        if (!units.containsKey(name)) {
            throw new NoSuchUnit("Unit " + name + " not loaded.");
        }
        writeFiles(name, properties, false);
    }

    @Override
    public DBusPath GetUnit(String name) {
        calls.add(new Call("GetUnit", List.of(name)));
        if (!units.containsKey(name)) {
            throw new NoSuchUnit("Unit " + name + " not loaded.");
        }
        return new DBusPath(unitPath(name));
    }

    @Override
    public List<UnitStatus> ListUnitsByPatterns(List<String> states, List<String> patterns) {
        calls.add(new Call("ListUnitsByPatterns", List.of(List.copyOf(states), List.copyOf(patterns))));
        List<UnitStatus> out = new ArrayList<>();
        for (Map.Entry<String, String> u : units().entrySet()) {
            if (patterns.stream().anyMatch(p -> glob(p, u.getKey()))) {
                out.add(new UnitStatus(u.getKey(), "", "loaded", u.getValue(), u.getValue(), "",
                        new DBusPath(unitPath(u.getKey())), new UInt32(0), "", new DBusPath("/")));
            }
        }
        return out;
    }

    @Override
    public void Subscribe() {
        calls.add(new Call("Subscribe", List.of()));
    }

    // ---- org.freedesktop.DBus.Properties on the manager --------------------------------

    @Override
    @SuppressWarnings("unchecked")
    public <A> A Get(String iface, String name) {
        calls.add(new Call("Get", List.of(SystemdBus.MANAGER_PATH, iface, name)));
        if (iface.equals(SystemdBus.MANAGER_IFACE) && name.equals("ControlGroup")) {
            return (A) managerCgroup;
        }
        return null;
    }

    @Override
    public <A> void Set(String iface, String name, A value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, Variant<?>> GetAll(String iface) {
        return Map.of();
    }

    @Override
    public String getObjectPath() {
        return SystemdBus.MANAGER_PATH;
    }

    /** A unit object: only its ControlGroup property. */
    class UnitObject implements Properties {
        private final String unit;

        UnitObject(String unit) {
            this.unit = unit;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <A> A Get(String iface, String name) {
            calls.add(new Call("Get", List.of(unitPath(unit), iface, name)));
            return name.equals("ControlGroup") ? (A) cgroupOf(unit) : null;
        }

        @Override
        public <A> void Set(String iface, String name, A value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return Map.of();
        }

        @Override
        public String getObjectPath() {
            return unitPath(unit);
        }
    }

    // ---- helpers -----------------------------------------------------------------------

    private DBusPath job(String unit) {
        long id = jobIds.incrementAndGet();
        String path = "/org/freedesktop/systemd1/job/" + id;
        if (!swallowJobs) {
            String result = nextJobResult;
            Runnable emit = () -> {
                try {
                    conn.sendMessage(new JobRemoved(SystemdBus.MANAGER_PATH, new UInt32(id), new DBusPath(path), unit, result));
                } catch (DBusException e) {
                    throw new IllegalStateException(e);
                }
            };
            if (jobDelayMillis > 0) {
                long delay = jobDelayMillis;
                new Thread(() -> {
                    try {
                        // someone else's job finishes first: the waiter must not take it for its own
                        conn.sendMessage(new JobRemoved(SystemdBus.MANAGER_PATH, new UInt32(1), new DBusPath("/org/freedesktop/systemd1/job/1"),
                                "other.service", "failed"));
                        Thread.sleep(delay);
                    } catch (Exception e) {
                        return;
                    }
                    emit.run();
                }).start();
            } else {
                emit.run();
            }
        }
        return new DBusPath(path);
    }

    static String unitPath(String unit) {
        StringBuilder sb = new StringBuilder("/org/freedesktop/systemd1/unit/");
        for (char c : unit.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                sb.append(c);
            } else {
                sb.append('_').append(String.format("%02x", (int) c));
            }
        }
        return sb.toString();
    }

    private String cgroupOf(String unit) {
        String base = managerCgroup.isEmpty() ? "" : managerCgroup;
        String slice = sliceOf.get(unit);
        if (slice != null) {
            return cgroupOf(slice) + "/" + unit;
        }
        if (unit.endsWith(".scope")) {
            return base + "/boxlite.slice/" + unit;
        }
        return base + "/" + (unit.equals("boxlite.slice") ? unit : "boxlite.slice/" + unit);
    }

    private Path cgroupDir(String unit) {
        return mount.resolve(cgroupOf(unit).substring(1));
    }

    private static final Map<String, String> FILES = Map.of(
            "MemoryMax", "memory.max", "MemoryHigh", "memory.high", "MemorySwapMax", "memory.swap.max",
            "TasksMax", "pids.max", "CPUWeight", "cpu.weight");

    /** A scope's cgroup as it is once systemd has moved its process in: populated, with a cgroup.kill. */
    private void makeScope(String unit) {
        try {
            Path dir = Files.createDirectories(cgroupDir(unit));
            Files.writeString(dir.resolve("cgroup.events"), "populated 1\nfrozen 0\n");
            Files.writeString(dir.resolve("cgroup.procs"), "");
            Files.writeString(dir.resolve("cgroup.kill"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeFiles(String unit, List<UnitProperty> properties, boolean fresh) {
        try {
            Path dir = cgroupDir(unit);
            Files.createDirectories(dir);
            if (fresh) {
                Files.writeString(dir.resolve("cgroup.events"), "populated 0\nfrozen 0\n");
                Files.writeString(dir.resolve("cgroup.procs"), "");
            }
            Long perSec = null;
            long period = 100_000;
            for (UnitProperty p : properties) {
                String file = FILES.get(p.name());
                if (file != null) {
                    Files.writeString(dir.resolve(file), kernel((UInt64) p.value().getValue()) + "\n");
                } else if (p.name().equals("CPUQuotaPerSecUSec")) {
                    UInt64 v = (UInt64) p.value().getValue();
                    perSec = v.equals(UnitPlan.INFINITY) ? -1L : v.longValue();
                } else if (p.name().equals("CPUQuotaPeriodUSec")) {
                    period = ((UInt64) p.value().getValue()).longValue();
                }
            }
            if (perSec != null) {
                // systemd: max(perSec × period / 1 s, 1 ms), truncating
                String quota = perSec < 0 ? "max" : Long.toString(Math.max(perSec * period / 1_000_000, 1000));
                Files.writeString(dir.resolve("cpu.max"), quota + " " + period + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String kernel(UInt64 v) {
        return v.equals(UnitPlan.INFINITY) ? "max" : v.toString();
    }

    private static void deleteDir(Path dir) {
        try (var files = Files.exists(dir) ? Files.walk(dir) : java.util.stream.Stream.<Path>empty()) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** fnmatch with '*' only, and '\\' escaping the next character, as systemd's patterns are. */
    static boolean glob(String pattern, String name) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '\\' && i + 1 < pattern.length()) {
                re.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else {
                re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return name.matches(re.toString());
    }
}
