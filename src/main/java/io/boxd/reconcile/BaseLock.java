package io.boxd.reconcile;

import io.boxd.BoxdProperties;
import io.boxd.driver.BoxDriver;
import io.boxd.security.ProcSelf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * One boxd per cgroup tree. A boxd reconciles everything under its base against its own records,
 * so a second boxd on the same base with other records (another data dir, another checkout's
 * {@code ./data}) would reap the first one's boxes as orphans at its start: found by hand, it
 * killed a running box of the first and removed its cgroup. boxd takes an exclusive lock on a
 * file named after the base before anything reconciles, watches or serves, and refuses to start
 * while another process holds it. The lock is the kernel's (fcntl), so a boxd killed with SIGKILL
 * holds none; the file says who holds it.
 *
 * <p>The file lives in {@code boxd.reconcile.lock-dir}: by default {@code /run/boxd} for root,
 * else {@code $XDG_RUNTIME_DIR/boxd}, else {@code <java.io.tmpdir>/boxd-locks-<uid>}. boxds that
 * share a cgroup tree but not that directory (other mount namespaces) do not see each other.
 *
 * <p>fcntl locks belong to the process, and closing any descriptor of the file drops them; so
 * nothing else in this JVM opens a held file: a second lock of it in the same JVM is refused from
 * {@link #HELD} without opening it, and the file is never deleted (a deleted lock file would let
 * two owners lock two files by one name).
 */
@Component
class BaseLock implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BaseLock.class);
    /**
     * Nobody else may open the file: any process that can read it can take a shared fcntl lock,
     * and a box holding one would keep every later boxd from starting.
     */
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    /** The files this JVM holds, and what each says of its holder. */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    private final Supplier<String> baseOf;
    private final Supplier<Path> dirOf;
    private final String dataDir;
    private String base;
    private Path file;
    private FileChannel channel;
    private FileLock lock;

    @Autowired
    BaseLock(BoxDriver driver, BoxdProperties boxd, ReconcileProperties props) {
        this(driver::basePath, () -> lockDir(props.lockDir()), boxd.dataDir().toAbsolutePath().normalize().toString());
    }

    private BaseLock(Supplier<String> baseOf, Supplier<Path> dirOf, String dataDir) {
        this.baseOf = baseOf;
        this.dirOf = dirOf;
        this.dataDir = dataDir;
    }

    /** A lock taken now, outside Spring. */
    static BaseLock take(String base, Path dir, String dataDir) {
        BaseLock l = new BaseLock(() -> base, () -> dir, dataDir);
        l.start();
        return l;
    }

    /**
     * Taken when the context starts, first of all: before the exit watcher, the web server and
     * the startup reconcile (which runs after the start), and not at all in a run that ends at
     * refresh (the class-archive training of bin/boxd, which may have no systemd to ask the
     * tree's path of).
     */
    @Override
    public synchronized void start() {
        if (lock != null) {
            return;
        }
        base = baseOf.get();
        file = dirOf.get().resolve(fileName(base)).toAbsolutePath().normalize();
        acquire("pid=" + ProcessHandle.current().pid() + "\ndata-dir=" + dataDir + "\nbase=" + base + "\nsince=" + Instant.now()
                + "\n");
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }

    @Override
    public synchronized boolean isRunning() {
        return lock != null;
    }

    /** {@code base-<first 16 hex digits of sha-256(base)>.lock}: any base, one short name. */
    static String fileName(String base) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(base.getBytes(StandardCharsets.UTF_8));
            return "base-" + HexFormat.of().formatHex(d, 0, 8) + ".lock";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the lock files go by default, best first: the first that can be made is used. */
    static List<Path> lockDirs(int uid, String xdgRuntimeDir, String tmpDir) {
        List<Path> dirs = new ArrayList<>();
        if (uid == 0) {
            dirs.add(Path.of("/run/boxd"));
        }
        if (xdgRuntimeDir != null && !xdgRuntimeDir.isBlank()) {
            dirs.add(Path.of(xdgRuntimeDir, "boxd"));
        }
        dirs.add(Path.of(tmpDir, "boxd-locks-" + uid));
        return dirs;
    }

    private static Path lockDir(String configured) {
        List<Path> dirs = configured.isBlank()
                ? lockDirs(ProcSelf.read().uid(), System.getenv("XDG_RUNTIME_DIR"), System.getProperty("java.io.tmpdir"))
                : List.of(Path.of(configured));
        IOException last = null;
        for (Path dir : dirs) {
            try {
                return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("cannot make a directory for the lock on boxd's cgroup tree; tried " + dirs
                + " (set boxd.reconcile.lock-dir)", last);
    }

    private void acquire(String says) {
        String inThisJvm = HELD.putIfAbsent(file, says);
        if (inThisJvm != null) {
            throw refused(inThisJvm);
        }
        FileChannel ch = null;
        boolean held = false;
        try {
            ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(file, OWNER_ONLY); // a chmod, not an open: it keeps any lock
            FileLock l = ch.tryLock();
            if (l == null) {
                throw refused(read(ch));
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(says.getBytes(StandardCharsets.UTF_8)), 0);
            channel = ch;
            lock = l;
            held = true;
            log.info("boxd owns the cgroup tree {} (lock {})", base, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file + " for the cgroup tree " + base + ": " + e.getMessage(), e);
        } finally {
            if (!held) {
                HELD.remove(file);
                close(ch);
            }
        }
    }

    private BaseInUseException refused(String holderSays) {
        return new BaseInUseException("the cgroup tree " + base + " is in use by another boxd (" + holder(holderSays)
                + "; lock " + file + ")");
    }

    /** What a lock file says of its holder, for a person: "pid 12, data dir /x, since …". */
    static String holder(String content) {
        List<String> said = new ArrayList<>();
        for (String line : content.split("\n")) {
            int eq = line.indexOf('=');
            String key = eq < 0 ? "" : line.substring(0, eq);
            switch (key) {
                case "pid", "since" -> said.add(key + " " + line.substring(eq + 1));
                case "data-dir" -> said.add("data dir " + line.substring(eq + 1));
                default -> { } // the base (already named), anything unknown
            }
        }
        return said.isEmpty() ? "it says nothing about itself" : String.join(", ", said);
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // up to 4 KiB: the holder wrote a few short lines
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    Path file() {
        return file;
    }

    /** Empties the file (it names no holder now) and releases the lock; the file stays. */
    @Override
    public synchronized void stop() {
        if (lock == null) {
            return;
        }
        try {
            channel.truncate(0);
        } catch (IOException e) {
            log.debug("cannot empty {}: {}", file, e.getMessage());
        }
        close(channel); // releases the lock
        lock = null;
        channel = null;
        HELD.remove(file);
    }
}
