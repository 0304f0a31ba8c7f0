package io.boxd.systemd;

import io.boxd.cgroup.LimitPlan;
import io.boxd.driver.LimitNotEnforceableException.Missing;
import io.boxd.limits.CpuMax;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/**
 * Pure mapping from {@link Limits} to systemd unit properties, with the D-Bus types systemd
 * insists on ({@code t} for every limit, {@code au} for {@code PIDs}), and the strict-mode
 * decision about controllers that systemd cannot use. Setting limits as properties, never as
 * files, is what makes them survive {@code systemctl daemon-reload}.
 */
final class UnitPlan {

    /** systemd's "infinity" for every {@code t} limit, and what boxd's {@code "max"} means. */
    static final UInt64 INFINITY = new UInt64(UInt64.MAX_BIG_VALUE);
    private static final long USEC_PER_SEC = 1_000_000L;

    private UnitPlan() {
    }

    /** The limit properties for {@code limits}; a null field sends nothing, so PATCH only touches what it names. */
    static List<UnitProperty> limits(Limits limits) {
        List<UnitProperty> out = new ArrayList<>();
        if (limits == null) {
            return out;
        }
        u64(out, "MemoryHigh", limits.memoryHighBytes());
        u64(out, "MemoryMax", limits.memoryMaxBytes());
        u64(out, "MemorySwapMax", limits.memorySwapMaxBytes());
        CpuMax cpu = limits.cpuMax();
        if (cpu != null) {
            out.add(prop("CPUQuotaPerSecUSec", cpu.quotaMicros() == null || cpu.quotaMicros().unlimited()
                    ? INFINITY : new UInt64(quotaPerSecond(cpu.quotaMicros().value(), cpu.periodOrDefault()))));
            out.add(prop("CPUQuotaPeriodUSec", new UInt64(cpu.periodOrDefault())));
        }
        if (limits.cpuWeight() != null) {
            out.add(prop("CPUWeight", new UInt64(limits.cpuWeight())));
        }
        u64(out, "TasksMax", limits.pidsMax());
        return out;
    }

    /**
     * systemd takes CPU quota per second and writes {@code cpu.max} as
     * {@code max(perSec × period / 1 s, 1 ms) period}, truncating. Rounding up here makes that
     * come back as exactly the quota asked for.
     */
    static long quotaPerSecond(long quotaMicros, long periodMicros) {
        return -Math.floorDiv(-Math.multiplyExact(quotaMicros, USEC_PER_SEC), periodMicros);
    }

    /** A box's slice: its limits, accounting so stats exist, and gone from memory once stopped. */
    static List<UnitProperty> boxSlice(String boxId, Limits limits) {
        List<UnitProperty> out = new ArrayList<>();
        out.add(prop("Description", "boxd box " + boxId));
        out.add(prop("CollectMode", "inactive-or-failed"));
        out.add(prop("MemoryAccounting", Boolean.TRUE));
        out.add(prop("TasksAccounting", Boolean.TRUE));
        out.add(prop("CPUAccounting", Boolean.TRUE));
        out.addAll(limits(limits));
        return out;
    }

    /**
     * A scope that takes {@code pid} into the box's slice. An OOM kill of one process must not
     * stop the rest of its scope, and a scope whose processes died must not linger as failed.
     */
    static List<UnitProperty> processScope(String boxId, String slice, int pid) {
        return List.of(
                prop("Description", "boxd box " + boxId + " pid " + pid),
                prop("Slice", slice),
                new UnitProperty("PIDs", new Variant<>(List.of(new UInt32(pid)), "au")),
                prop("CollectMode", "inactive-or-failed"),
                prop("OOMPolicy", "continue"));
    }

    /**
     * The requested limits that cannot hold because their controller is not available to the
     * manager ({@code cgroup.controllers} of its root cgroup, {@code where}). For a user manager the
     * fix is to delegate more controllers to {@code user@.service}.
     */
    static List<Missing> unavailable(Limits limits, Set<String> available, String where, BusLocation bus) {
        List<Missing> out = new ArrayList<>();
        for (LimitPlan.Write w : LimitPlan.writes(limits)) {
            if (!available.contains(w.controller()) && !unlimited(w)) {
                out.add(new Missing(w.field(), w.controller(), where + " (its cgroup.controllers is \""
                        + String.join(" ", new java.util.TreeSet<>(available)) + "\")", fix(w.controller(), bus)));
            }
        }
        return out;
    }

    /** Requested limits whose file is missing after systemd applied them: nothing may run unconfined silently. */
    static List<Missing> notApplied(Limits limits, Map<String, String> readBack, String cgroup, BusLocation bus) {
        List<Missing> out = new ArrayList<>();
        for (LimitPlan.Write w : LimitPlan.writes(limits)) {
            if (!readBack.containsKey(w.file()) && !unlimited(w)) {
                out.add(new Missing(w.field(), w.controller(), cgroup + "/" + w.file() + " (no such file after systemd applied it)",
                        fix(w.controller(), bus)));
            }
        }
        return out;
    }

    /** "max" needs nothing from the kernel: without the controller there is no limit either. */
    private static boolean unlimited(LimitPlan.Write w) {
        return w.value().startsWith(LimitValue.MAX);
    }

    static String fix(String controller, BusLocation bus) {
        if (bus.rootless()) {
            return "delegate '" + controller + "' to the user manager with a drop-in /etc/systemd/system/user@.service.d/delegate.conf "
                    + "containing \"[Service]\\nDelegate=cpu cpuset io memory pids\", then run 'systemctl daemon-reload' and "
                    + "'systemctl restart user@" + bus.uid() + ".service'; or run boxd with boxd.enforcement=best-effort";
        }
        return "enable the '" + controller + "' controller in the kernel (it is not in the root cgroup's cgroup.controllers), "
                + "or run boxd with boxd.enforcement=best-effort";
    }

    private static void u64(List<UnitProperty> out, String name, LimitValue v) {
        if (v != null) {
            out.add(prop(name, v.unlimited() ? INFINITY : new UInt64(v.value())));
        }
    }

    static UnitProperty prop(String name, Object value) {
        return new UnitProperty(name, new Variant<>(value));
    }
}
