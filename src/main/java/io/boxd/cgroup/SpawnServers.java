package io.boxd.cgroup;

import io.boxd.driver.SpawnFailedException;
import io.boxd.driver.SpawnSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few {@link SpawnServer}s side by side. Each serves one spawn at a time, so the waits inside
 * a spawn (the kernel's work, the exec) overlap across requests; with one server, 8 clients
 * queued on it. Idle servers are reused most recent first, so one client keeps one server warm,
 * and more start only under concurrency.
 */
final class SpawnServers {

    private static final Logger log = LoggerFactory.getLogger(SpawnServers.class);
    static final Path PERL = Path.of("/usr/bin/perl");
    /** The native server as Maven built it, for the build host's architecture (java's os.arch). */
    static final String NATIVE = "spawn-server." + System.getProperty("os.arch");
    static final int MAX = 4;

    private final String kind;
    private final SpawnServer.Command command;
    private final long timeoutMillis;
    private final Semaphore slots = new Semaphore(MAX, true);
    private final Deque<SpawnServer> idle = new ArrayDeque<>();
    private final List<SpawnServer> all = new ArrayList<>();

    SpawnServers(String kind, SpawnServer.Command command, long timeoutMillis) {
        this.kind = kind;
        this.command = command;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Servers with the first one running: the native one when {@code nativeDir} is given and it
     * was built for this architecture and starts from there, else the perl one; empty (the
     * reason logged) when neither starts.
     */
    static Optional<SpawnServers> start(long timeoutMillis, Path nativeDir) {
        if (nativeDir != null) {
            Optional<SpawnServers> n = startNative(timeoutMillis, nativeDir);
            if (n.isPresent()) {
                return n;
            }
        }
        if (!Files.isExecutable(PERL)) {
            log.info("no {}: spawning through the /bin/sh wrapper", PERL);
            return Optional.empty();
        }
        try (InputStream in = SpawnServers.class.getResourceAsStream("spawn-server.pl")) {
            List<String> perl = List.of(PERL.toString(), "-e", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return Optional.of(new SpawnServers("perl spawn server", () -> perl, timeoutMillis).first());
        } catch (IOException | RuntimeException e) {
            log.warn("the perl spawn server did not start ({}): spawning through the /bin/sh wrapper", e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<SpawnServers> startNative(long timeoutMillis, Path dir) {
        if (SpawnServers.class.getResource(NATIVE) == null) {
            log.info("no native spawn server in this build for {} (no C compiler when it was built): trying perl",
                    System.getProperty("os.arch"));
            return Optional.empty();
        }
        try {
            return Optional.of(new SpawnServers("native spawn server", new NativeCopy(dir.resolve("spawn-server")), timeoutMillis).first());
        } catch (IOException | RuntimeException e) {
            log.warn("the native spawn server did not start from {} ({}): trying perl", dir, e.getMessage());
            return Optional.empty();
        }
    }

    private SpawnServers first() throws IOException {
        SpawnServer first = new SpawnServer(command, timeoutMillis);
        first.start();
        idle.add(first);
        all.add(first);
        return this;
    }

    /** "native spawn server" or "perl spawn server". */
    String kind() {
        return kind;
    }

    /**
     * The native server's executable in boxd's data directory (not /tmp: it must outlive tmp
     * cleaners, and a boxd killed with -9 leaves nothing behind there). Copied out of the jar
     * at the first start, so an upgraded boxd runs its own build, and again whenever it is gone.
     */
    private static final class NativeCopy implements SpawnServer.Command {
        private final Path exe;
        private boolean copied;

        NativeCopy(Path exe) {
            this.exe = exe;
        }

        @Override
        public synchronized List<String> get() throws IOException {
            if (!copied || !Files.isExecutable(exe)) {
                Files.createDirectories(exe.getParent());
                Path part = Files.createTempFile(exe.getParent(), "spawn-server.", ".part");
                try (InputStream in = SpawnServers.class.getResourceAsStream(NATIVE)) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("r-x------"));
                    Files.move(part, exe, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(part);
                }
                copied = true;
            }
            return List.of(exe.toString());
        }
    }

    /** See {@link SpawnServer#spawn}. */
    int spawn(String boxId, Path cgroupProcs, String expectedCgroup, SpawnSpec spec) {
        SpawnServer s = acquire();
        try {
            return s.spawn(boxId, cgroupProcs, expectedCgroup, spec);
        } finally {
            release(s);
        }
    }

    private SpawnServer acquire() {
        try {
            if (!slots.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new SpawnFailedException("every spawn server was busy for " + timeoutMillis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpawnFailedException("interrupted while waiting for a spawn server", e);
        }
        synchronized (idle) {
            SpawnServer s = idle.pollFirst();
            if (s == null) {
                s = new SpawnServer(command, timeoutMillis);   // started by its first spawn
                all.add(s);
            }
            return s;
        }
    }

    private void release(SpawnServer s) {
        synchronized (idle) {
            idle.addFirst(s);
        }
        slots.release();
    }

    /** The pid of the server the next spawn uses, when it runs. */
    OptionalLong nextPid() {
        synchronized (idle) {
            SpawnServer next = idle.peekFirst();
            return next == null ? OptionalLong.empty() : next.pid();
        }
    }

    /** The pids of the servers that run now: boxd's helpers, which no box may take in. */
    Set<Long> pids() {
        synchronized (idle) {
            return all.stream().map(SpawnServer::pid).filter(OptionalLong::isPresent).map(OptionalLong::getAsLong)
                    .collect(Collectors.toUnmodifiableSet());
        }
    }

    void close() {
        synchronized (idle) {
            all.forEach(SpawnServer::close);
        }
    }
}
