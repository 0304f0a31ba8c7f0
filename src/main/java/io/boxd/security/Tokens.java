package io.boxd.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured tokens, kept only as SHA-256 digests. {@link #match} digests the presented token
 * and compares it with every entry using {@link MessageDigest#isEqual}: fixed-length inputs, no
 * early exit, so neither the length nor the content of a token leaks through timing.
 */
public final class Tokens {

    private static final Logger log = LoggerFactory.getLogger(Tokens.class);

    /** Names end up in the box history's {@code actor} column (64 characters) and in logs. */
    public static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$");
    public static final int MIN_TOKEN_CHARS = 16;
    public static final int MAX_TOKEN_CHARS = 1024;
    /** The environment variable that can hold comma-separated entries. */
    public static final String ENV = "BOXD_TOKENS";

    /** Who a token belongs to. */
    public record Caller(String name, Role role) {
    }

    private record Entry(String name, byte[] digest, Role role) {
    }

    static final String HOW_TO_SET = "Set at least one token as name:token:role (role viewer or operator), e.g.\n"
            + "    BOXD_TOKENS=\"admin:$(openssl rand -hex 32):operator\" java -jar boxd.jar\n"
            + "or a file named by --boxd.security.tokens-file=/etc/boxd/tokens with one entry a line (# comments "
            + "allowed; chmod 600), or boxd.security.tokens in a config file. Not --boxd.security.tokens on the "
            + "command line: every process on the host, boxes included, can read that in /proc.\n"
            + "For a local trial only, --boxd.security.mode=insecure-loopback-only serves without tokens on 127.0.0.1.";

    private final List<Entry> entries;

    private Tokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public int size() {
        return entries.size();
    }

    /** The names, in order, for the startup log. */
    public List<String> describe() {
        return entries.stream().map(e -> e.name() + " (" + e.role() + ")").toList();
    }

    /** The caller this token belongs to, if any. Compares against every entry, always. */
    public Optional<Caller> match(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        byte[] d = sha256(presented);
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), d) & found == null) {
                found = e;
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Caller(found.name(), found.role()));
    }

    // ---- loading ---------------------------------------------------------------------------

    /**
     * Merges the three sources. Any malformed entry, a duplicate name or a duplicate token stops
     * boxd; the messages name the source and entry, never the token.
     */
    public static Tokens load(List<String> configured, String env, Path file) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            // An empty list item is what "boxd.security.tokens=" binds to; nothing to add.
            if (!configured.get(i).isBlank()) {
                out.add(parse(configured.get(i), "boxd.security.tokens[" + i + "]"));
            }
        }
        if (env != null && !env.isBlank()) {
            String[] parts = env.split(",");
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].isBlank()) {
                    out.add(parse(parts[i], ENV + " entry " + (i + 1)));
                }
            }
        }
        if (file != null) {
            out.addAll(readFile(file));
        }
        Set<String> names = new HashSet<>();
        Set<String> digests = new HashSet<>();
        for (Entry e : out) {
            if (!names.add(e.name())) {
                throw new SecurityConfigException("the token name '" + e.name() + "' is configured twice",
                        "Give every token its own name; the name is what the box history records as the actor.");
            }
            if (!digests.add(java.util.HexFormat.of().formatHex(e.digest()))) {
                throw new SecurityConfigException("the token of '" + e.name() + "' is also configured under another name",
                        "Give every name its own token, so a request identifies exactly one caller.");
            }
        }
        return new Tokens(out);
    }

    /**
     * One entry. The messages name the entry by where it is, never by its parts: an entry written
     * in the wrong order could hold its token in any of them.
     */
    static Entry parse(String raw, String where) {
        String s = raw.strip();
        int first = s.indexOf(':');
        int last = s.lastIndexOf(':');
        if (first <= 0 || last == first) {
            throw malformed(where, "is not name:token:role");
        }
        String name = s.substring(0, first);
        String token = s.substring(first + 1, last);
        String roleText = s.substring(last + 1);
        if (!NAME.matcher(name).matches()) {
            // Not echoed: a misordered entry could put the token here.
            throw malformed(where, "has a name that does not match " + NAME.pattern() + " (is the entry name:token:role?)");
        }
        Role role = Role.parse(roleText);
        if (role == null) {
            throw malformed(where, "has a role that is neither viewer nor operator (is the entry name:token:role?)");
        }
        if (token.length() < MIN_TOKEN_CHARS || token.length() > MAX_TOKEN_CHARS) {
            throw malformed(where, "has a token of " + token.length() + " characters; use "
                    + MIN_TOKEN_CHARS + " to " + MAX_TOKEN_CHARS + " (openssl rand -hex 32 gives 64)");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c == ',' || c > '~') {
                throw malformed(where, "has a token with a space, comma, control or non-ASCII character; "
                        + "use printable ASCII (openssl rand -hex 32)");
            }
        }
        return new Entry(name, sha256(token), role);
    }

    private static List<Entry> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SecurityConfigException("cannot read the tokens file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    "Create it with one name:token:role entry a line (chmod 600), or unset boxd.security.tokens-file.");
        }
        warnIfReadableByOthers(file);
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(parse(line, file + " line " + (i + 1)));
            }
        }
        return out;
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.GROUP_READ)) {
                log.warn("the tokens file {} is readable by its group or by everyone; chmod 600 it", file);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system; nothing to say
        }
    }

    private static SecurityConfigException malformed(String where, String what) {
        return new SecurityConfigException(where + " " + what, HOW_TO_SET);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
