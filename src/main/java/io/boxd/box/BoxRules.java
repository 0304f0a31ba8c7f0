package io.boxd.box;

import io.boxd.box.BoxProblems.Invalid.Violation;
import io.boxd.limits.LimitRules;
import io.boxd.limits.Limits;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Pure input rules. Anything that reaches the filesystem has passed these first. */
public final class BoxRules {

    public static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
    public static final Pattern LABEL_KEY = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?$");
    public static final int MAX_LABELS = 32;
    public static final int MAX_LABEL_VALUE = 255;
    public static final int MAX_ARGS = 256;
    public static final int MAX_ARG_CHARS = 4096;
    public static final int MAX_ENV = 128;
    public static final int MAX_ENV_CHARS = 4096;
    public static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,127}$");
    /** Default and upper bound of {@code stop}'s grace period, in seconds. */
    public static final int DEFAULT_GRACE_SECONDS = 10;
    public static final int MAX_GRACE_SECONDS = 3600;
    /** Paths that are, or lead through, links to the entering process's own {@code /proc} entry. */
    static final List<String> SELF_LINKS = List.of("/proc/self", "/proc/thread-self", "/proc/net", "/proc/mounts",
            "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr");

    private BoxRules() {
    }

    public static List<Violation> id(String field, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return List.of(new Violation(field, "must match " + ID.pattern()));
        }
        return List.of();
    }

    public static List<Violation> newBox(NewBox req) {
        List<Violation> out = new ArrayList<>();
        if (req.id() != null) {
            out.addAll(id("id", req.id()));
        }
        if (req.vmMemoryBytes() != null && req.vmMemoryBytes() <= 0) {
            out.add(new Violation("vmMemoryBytes", "must be greater than 0, was " + req.vmMemoryBytes()));
        }
        if (req.vmMemoryBytes() != null && req.vmMemoryBytes() > (1L << 50)) {
            out.add(new Violation("vmMemoryBytes", "must be at most 2^50, was " + req.vmMemoryBytes()));
        }
        out.addAll(limits(req.limits()));
        out.addAll(labels(req.labels()));
        return out;
    }

    public static List<Violation> limits(Limits limits) {
        return LimitRules.validate(limits).stream().map(v -> new Violation(v.field(), v.message())).toList();
    }

    public static List<Violation> labels(Map<String, String> labels) {
        List<Violation> out = new ArrayList<>();
        if (labels == null) {
            return out;
        }
        if (labels.size() > MAX_LABELS) {
            out.add(new Violation("labels", "at most " + MAX_LABELS + " labels, was " + labels.size()));
        }
        labels.forEach((k, v) -> {
            if (k == null || !LABEL_KEY.matcher(k).matches()) {
                out.add(new Violation("labels", "key '" + k + "' must match " + LABEL_KEY.pattern()));
            }
            if (v == null || characters(v) > MAX_LABEL_VALUE) {
                out.add(new Violation("labels." + k, "value must be a string of at most " + MAX_LABEL_VALUE + " characters"));
            }
        });
        return out;
    }

    public static List<Violation> process(NewProcess req) {
        List<Violation> out = new ArrayList<>();
        List<String> argv = req.argv();
        if (argv == null || argv.isEmpty()) {
            out.add(new Violation("argv", "must be a non-empty array of strings"));
        } else {
            if (argv.size() > MAX_ARGS) {
                out.add(new Violation("argv", "at most " + MAX_ARGS + " arguments, was " + argv.size()));
            }
            for (int i = 0; i < argv.size(); i++) {
                String a = argv.get(i);
                if (a == null || characters(a) > MAX_ARG_CHARS || a.indexOf('\0') >= 0) {
                    out.add(new Violation("argv[" + i + "]", "must be a string of at most " + MAX_ARG_CHARS + " characters without NUL"));
                } else {
                    unicode("argv[" + i + "]", a).ifPresent(out::add);
                }
            }
            if (argv.get(0) != null && argv.get(0).isEmpty()) {
                out.add(new Violation("argv[0]", "must not be empty"));
            } else if (out.isEmpty()) {
                pathText("argv[0]", argv.get(0)).ifPresent(out::add);
            }
        }
        Map<String, String> env = req.env();
        if (env != null) {
            if (env.size() > MAX_ENV) {
                out.add(new Violation("env", "at most " + MAX_ENV + " variables, was " + env.size()));
            }
            env.forEach((k, v) -> {
                if (k == null || !ENV_NAME.matcher(k).matches()) {
                    out.add(new Violation("env", "name '" + k + "' must match " + ENV_NAME.pattern()));
                }
                if (v == null || characters(v) > MAX_ENV_CHARS || v.indexOf('\0') >= 0) {
                    out.add(new Violation("env." + k, "must be a string of at most " + MAX_ENV_CHARS + " characters without NUL"));
                } else {
                    unicode("env." + k, v).ifPresent(out::add);
                }
            });
        }
        if (req.cwd() != null) {
            cwd(req.cwd()).ifPresent(out::add);
        }
        if (req.uid() != null && req.uid() < 0) {
            out.add(new Violation("uid", "must be 0 or more"));
        }
        if (req.gid() != null && req.gid() < 0) {
            out.add(new Violation("gid", "must be 0 or more"));
        }
        return out;
    }

    /** The first thing wrong with a request's cwd, if anything is. */
    private static Optional<Violation> cwd(String cwd) {
        if (cwd.indexOf('\0') >= 0) {
            return Optional.of(new Violation("cwd", "must not contain NUL"));
        }
        if (!cwd.startsWith("/")) {
            return Optional.of(new Violation("cwd", "must be an absolute path"));
        }
        Optional<Violation> text = pathText("cwd", cwd);
        if (text.isPresent()) {
            return text;
        }
        if (hasDotDot(cwd)) {
            // Read as written, ".." could hide a link into /proc/self: /dev/fd/../cwd.
            return Optional.of(new Violation("cwd", "must not contain '..', was " + cwd));
        }
        if (throughSelf(cwd)) {
            return Optional.of(new Violation("cwd", "must not lead through " + String.join(", ", SELF_LINKS)
                    + ": the cwd is entered before the exec, when those still show the working directory and "
                    + "descriptors inherited from boxd's spawner, was " + cwd));
        }
        return Optional.empty();
    }

    /** Characters as a client counts them (and JSON Schema's maxLength): an emoji is one, not two UTF-16 units. */
    static int characters(String s) {
        return s.codePointCount(0, s.length());
    }

    /** A string that UTF-8 cannot carry: a lone UTF-16 surrogate (JSON's "\\ud800" escapes make one). */
    private static Optional<Violation> unicode(String field, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(new Violation(field, "must be valid Unicode: an unpaired surrogate at index " + i));
            }
        }
        return Optional.empty();
    }

    /** Why {@code s} cannot name a file here, if it cannot: {@link #unicode}, then {@link #fileName}. */
    private static Optional<Violation> pathText(String field, String s) {
        return unicode(field, s).or(() -> fileName(field, s));
    }

    /**
     * A path the JVM cannot name: it encodes file names in the host's locale (sun.jnu.encoding),
     * so under LANG=C any non-ASCII name is one.
     */
    private static Optional<Violation> fileName(String field, String s) {
        try {
            Path.of(s);
            return Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.of(new Violation(field, "cannot be a file name on this host (" + e.getReason() + " in the JVM's file name encoding "
                    + System.getProperty("sun.jnu.encoding") + ")"));
        }
    }

    /**
     * A stop's grace period. Taken as any integer the client sent, so that one too large for an
     * {@code int} is told the real bounds, not Java's.
     */
    public static int graceSeconds(BigInteger requested) {
        if (requested == null) {
            return DEFAULT_GRACE_SECONDS;
        }
        if (requested.signum() < 0 || requested.compareTo(BigInteger.valueOf(MAX_GRACE_SECONDS)) > 0) {
            throw new BoxProblems.Invalid("graceSeconds", "must be between 0 and " + MAX_GRACE_SECONDS + ", was " + requested);
        }
        return requested.intValue();
    }

    static boolean hasDotDot(String path) {
        return List.of(path.split("/")).contains("..");
    }

    /**
     * Whether an absolute path without {@code ..} leads through one of {@link #SELF_LINKS}. The cwd
     * is entered before the exec, so {@code /proc/self/cwd} would be the spawner's directory.
     */
    static boolean throughSelf(String path) {
        List<String> parts = Arrays.stream(path.split("/")).filter(p -> !p.isEmpty() && !p.equals(".")).toList();
        String head = parts.size() < 2 ? "" : "/" + parts.get(0) + "/" + parts.get(1);
        return SELF_LINKS.contains(head);
    }
}
