package io.boxd.cgroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Pure parsers for the text formats of cgroupfs and {@code /proc}. Tested from real kernel output. */
public final class KernelText {

    /** PF_KTHREAD in the flags of {@code /proc/<pid>/stat} (include/linux/sched.h). */
    static final long PF_KTHREAD = 0x00200000L;

    private KernelText() {
    }

    /** Flat-keyed files ({@code cpu.stat}, {@code memory.events}, {@code cgroup.events}): "key value" lines. */
    public static Map<String, Long> flatKeyed(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException ignored) {
                    // a non-numeric value is not a counter; leave it out
                }
            }
        }
        return out;
    }

    /** Space-separated controller names ({@code cgroup.controllers}, {@code cgroup.subtree_control}). */
    public static Set<String> controllers(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String c : text.trim().split("\\s+")) {
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    /** One pid per line ({@code cgroup.procs}). */
    public static List<Integer> pids(String text) {
        List<Integer> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String s = line.trim();
            if (!s.isEmpty()) {
                out.add(Integer.parseInt(s));
            }
        }
        return out;
    }

    /** A single number, or empty for {@code max}. */
    public static Optional<Long> single(String text) {
        String s = text.trim();
        return "max".equals(s) ? Optional.empty() : Optional.of(Long.parseLong(s));
    }

    /** The cgroup v2 path from {@code /proc/<pid>/cgroup} (the {@code 0::} line), if any. */
    public static Optional<String> unifiedPath(String procPidCgroup) {
        for (String line : procPidCgroup.split("\n")) {
            if (line.startsWith("0::")) {
                return Optional.of(line.substring(3).trim());
            }
        }
        return Optional.empty();
    }

    /**
     * The mount point of the first cgroup2 filesystem in {@code /proc/self/mountinfo}. Fields:
     * id parent major:minor root mountpoint options [optional...] - fstype source superoptions.
     */
    public static Optional<String> cgroup2Mount(String mountinfo) {
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] post = line.substring(dash + 3).split(" ");
            String[] pre = line.substring(0, dash).split(" ");
            if (post.length >= 1 && "cgroup2".equals(post[0]) && pre.length >= 5) {
                return Optional.of(unescapeOctal(pre[4]));
            }
        }
        return Optional.empty();
    }

    /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
    static String unescapeOctal(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1) && isOctal(s, i + 2) && isOctal(s, i + 3)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
    }

    /** {@code /proc/<pid>/cmdline}: NUL-separated arguments, shown joined by spaces. */
    public static String cmdline(String raw) {
        String s = raw.endsWith("\0") ? raw.substring(0, raw.length() - 1) : raw;
        return s.replace('\0', ' ');
    }

    /**
     * Field {@code n} of a {@code /proc/<pid>/stat} line, numbered as in proc(5) (1 is the pid,
     * 2 the command), counted after the last {@code ')'} since the command in parentheses may
     * hold spaces and parentheses; empty when the line is cut short.
     */
    public static Optional<String> statField(String stat, int n) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || n < 3) {
            return Optional.empty();
        }
        String[] f = stat.substring(close + 1).strip().split("\\s+");
        return n - 3 < f.length ? Optional.of(f[n - 3]) : Optional.empty();
    }

    /** The flags of a {@code /proc/<pid>/stat} line (field 9), unsigned. */
    static OptionalLong statFlags(String stat) {
        try {
            return statField(stat, 9).map(f -> OptionalLong.of(Long.parseUnsignedLong(f))).orElse(OptionalLong.empty());
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The session id of a {@code /proc/<pid>/stat} line (field 6). */
    static OptionalInt session(String stat) {
        try {
            return statField(stat, 6).map(f -> OptionalInt.of(Integer.parseInt(f))).orElse(OptionalInt.empty());
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Whether a {@code stat} line is a kernel thread's: PF_KTHREAD in its flags. */
    static boolean kernelThread(String stat) {
        return (statFlags(stat).orElse(0L) & PF_KTHREAD) != 0;
    }

    /** Whether a {@code stat} line's process has exited: a zombie (Z) its parent has not reaped, or dead (X). */
    static boolean exited(String stat) {
        return statField(stat, 3).map(state -> state.equals("Z") || state.equals("X")).orElse(false);
    }

    /** The {@code Tgid:} line of {@code /proc/<pid>/status}: the pid of the thread's process. */
    static OptionalInt tgid(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Tgid:")) {
                try {
                    return OptionalInt.of(Integer.parseInt(line.substring(5).trim()));
                } catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }
}
