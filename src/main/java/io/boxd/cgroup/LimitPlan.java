package io.boxd.cgroup;

import io.boxd.limits.CpuMax;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure mapping between {@link Limits} and cgroup files: which file takes which value, which
 * controller each needs, and how read-back file contents become the enforced {@link Limits}.
 */
public final class LimitPlan {

    /** One file to write: the API field it comes from, the controller it needs, the file and value. */
    public record Write(String field, String controller, String file, String value) {

        /**
         * "max" asks for no limit. Without the controller there is no limit either, so such a
         * write needs nothing from the kernel and never makes a strict create fail.
         */
        public boolean unlimited() {
            return value.startsWith(LimitValue.MAX);
        }
    }

    /** Every limit file boxd reads back, in write order. */
    public static final List<String> FILES =
            List.of("memory.high", "memory.max", "memory.swap.max", "cpu.max", "cpu.weight", "pids.max");

    private LimitPlan() {
    }

    /**
     * The limit files a cgroup can have when {@code controllers} are enabled for it: an interface
     * file is named after its controller ({@code memory.max}), and without the controller it is
     * not there, so reading it back is a wasted open.
     */
    public static List<String> files(Set<String> controllers) {
        return FILES.stream().filter(f -> controllers.contains(f.substring(0, f.indexOf('.')))).toList();
    }

    /** The writes for {@code limits}, in a safe order; unset fields produce no write. */
    public static List<Write> writes(Limits limits) {
        List<Write> out = new ArrayList<>();
        if (limits == null) {
            return out;
        }
        add(out, "memoryHighBytes", "memory", "memory.high", limits.memoryHighBytes());
        add(out, "memoryMaxBytes", "memory", "memory.max", limits.memoryMaxBytes());
        add(out, "memorySwapMaxBytes", "memory", "memory.swap.max", limits.memorySwapMaxBytes());
        if (limits.cpuMax() != null) {
            out.add(new Write("cpuMax", "cpu", "cpu.max", limits.cpuMax().kernel()));
        }
        if (limits.cpuWeight() != null) {
            out.add(new Write("cpuWeight", "cpu", "cpu.weight", Integer.toString(limits.cpuWeight())));
        }
        add(out, "pidsMax", "pids", "pids.max", limits.pidsMax());
        return out;
    }

    private static void add(List<Write> out, String field, String controller, String file, LimitValue v) {
        if (v != null) {
            out.add(new Write(field, controller, file, v.kernel()));
        }
    }

    /** The controllers that {@code writes} need. */
    public static Set<String> controllers(List<Write> writes) {
        Set<String> out = new LinkedHashSet<>();
        writes.forEach(w -> out.add(w.controller()));
        return out;
    }

    /** Enforced limits from read-back contents by file name; a file that is absent stays null. */
    public static Limits enforced(Map<String, String> contents) {
        return new Limits(
                value(contents.get("memory.max")),
                value(contents.get("memory.high")),
                value(contents.get("memory.swap.max")),
                contents.containsKey("cpu.max") ? CpuMax.parseKernel(contents.get("cpu.max")) : null,
                contents.containsKey("cpu.weight") ? Integer.valueOf(contents.get("cpu.weight").trim()) : null,
                value(contents.get("pids.max")));
    }

    private static LimitValue value(String text) {
        return text == null ? null : LimitValue.parseKernel(text);
    }
}
