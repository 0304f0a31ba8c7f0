package io.boxd.cgroup;

import io.boxd.driver.SpawnFailedException;
import io.boxd.driver.SpawnSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
    static final int MAX = 4;

    private final String script;
    private final long timeoutMillis;
    private final Semaphore slots = new Semaphore(MAX, true);
    private final Deque<SpawnServer> idle = new ArrayDeque<>();
    private final List<SpawnServer> all = new ArrayList<>();

    private SpawnServers(String script, long timeoutMillis) {
        this.script = script;
        this.timeoutMillis = timeoutMillis;
    }

    /** Servers with the first one running, or empty (the reason logged) when perl is missing or refuses. */
    static Optional<SpawnServers> start(long timeoutMillis) {
        if (!Files.isExecutable(PERL)) {
            log.info("no {}: spawning through the /bin/sh wrapper", PERL);
            return Optional.empty();
        }
        try (InputStream in = SpawnServers.class.getResourceAsStream("spawn-server.pl")) {
            SpawnServers servers = new SpawnServers(new String(in.readAllBytes(), StandardCharsets.UTF_8), timeoutMillis);
            SpawnServer first = new SpawnServer(PERL, servers.script, timeoutMillis);
            first.start();
            servers.idle.add(first);
            servers.all.add(first);
            return Optional.of(servers);
        } catch (IOException | RuntimeException e) {
            log.warn("the perl spawn server did not start ({}): spawning through the /bin/sh wrapper", e.getMessage());
            return Optional.empty();
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
                s = new SpawnServer(PERL, script, timeoutMillis);   // started by its first spawn
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

    void close() {
        synchronized (idle) {
            all.forEach(SpawnServer::close);
        }
    }
}
