package io.boxd.box;

import io.boxd.driver.BoxDriver;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Exit and OOM detection without polling: one inotify watch (Java's WatchService) per box
 * directory. The kernel touches {@code cgroup.events} when {@code populated} changes and
 * {@code memory.events}/{@code pids.events} when a counter rises; boxd re-reads the file and
 * records what changed. A write to a limit file ({@code memory.max}, …) from outside boxd is
 * seen the same way, so {@code enforced} keeps telling what the kernel holds the box to. A watch on
 * the boxes' parent directory sees a box's cgroup removed outside boxd, and the box becomes LOST
 * then, not at its next request or reconcile. Idle cost is a thread blocked in the kernel.
 *
 * <p>kernfs only notifies about a file whose inode is in memory, so each watched box keeps its
 * event files open: that pins the inodes, and with them the notifications.
 */
@Component
public class ExitWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExitWatcher.class);
    private static final Set<String> COUNTER_FILES = Set.of("memory.events", "pids.events");
    private static final List<String> PINNED = List.of("cgroup.events", "memory.events", "pids.events");
    /** What a queued check looks at. */
    private static final int POPULATED = 1;
    private static final int COUNTERS = 2;
    private static final int LIMITS = 4;
    private static final int GONE = 8;
    /** A check that finds its box locked retries after this, doubling up to RETRY_MAX_MS. */
    private static final long RETRY_FIRST_MS = 50;
    private static final long RETRY_MAX_MS = 1000;
    /**
     * A check that fails otherwise (a D-Bus error from systemd, a kernel read) is tried this many
     * times in all, over about 5 s (the backoff above): long enough for a systemd reload to pass.
     */
    static final int FAILED_ATTEMPTS = 10;

    private final BoxDriver driver;
    private final BoxRepository boxes;
    private final BoxHistory history;
    private final BoxLocks locks;
    private final CounterRecorder counters;
    private final TransactionTemplate tx;
    private final Map<WatchKey, String> ids = new ConcurrentHashMap<>();
    private final Map<String, WatchKey> keys = new ConcurrentHashMap<>();
    private final Map<String, List<FileChannel>> pinned = new ConcurrentHashMap<>();
    /** Each followed box's directory, both ways, to name the box a parent's delete event is about. */
    private final Map<String, Path> dirs = new ConcurrentHashMap<>();
    private final Map<Path, String> boxAt = new ConcurrentHashMap<>();
    /** Watches on the boxes' parent directories (the base), for deletes only. */
    private final Map<Path, ParentWatch> parentWatches = new ConcurrentHashMap<>();
    /** Boxes with a check queued, and what it must look at. */
    private final Map<String, Integer> queued = new ConcurrentHashMap<>();
    private final AtomicBoolean checkAllQueued = new AtomicBoolean();
    /** Boxes whose last checks failed, and how many times in a row; only the handler thread uses it. */
    private final Map<String, Integer> failures = new HashMap<>();
    private final ScheduledThreadPoolExecutor handler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "boxd-exit-handler");
        t.setDaemon(true);
        return t;
    });
    private volatile WatchService ws;
    private volatile Thread loop;

    ExitWatcher(BoxDriver driver, BoxRepository boxes, BoxHistory history, BoxLocks locks, CounterRecorder counters,
                TransactionTemplate tx) {
        this.driver = driver;
        this.boxes = boxes;
        this.history = history;
        this.locks = locks;
        this.counters = counters;
        this.tx = tx;
        handler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Follows a new box's cgroup directory; harmless if it is already followed or gone. */
    public void watch(String id) {
        follow(id, false);
    }

    /** Follows a box found on disk, and looks once at what may have changed while nobody watched. */
    public void watchAndCheck(String id) {
        follow(id, true);
    }

    private void follow(String id, boolean check) {
        WatchService w = ws;
        if (w == null || keys.containsKey(id)) {
            return;
        }
        List<FileChannel> open = new ArrayList<>();
        WatchKey key = null;
        try {
            Path dir = Path.of(driver.cgroupPath(id));
            // The parent first: a box removed once it is followed must not go unseen.
            watchParent(dir.getParent(), w);
            for (String name : PINNED) {
                try {
                    open.add(FileChannel.open(dir.resolve(name), StandardOpenOption.READ));
                } catch (NoSuchFileException absent) {
                    // this controller is not enabled for the box
                }
            }
            key = dir.register(w, StandardWatchEventKinds.ENTRY_MODIFY);
            ids.put(key, id);
            keys.put(id, key);
            closeAll(pinned.put(id, open));
            dirs.put(id, dir);
            boxAt.put(dir, id);
        } catch (IOException | RuntimeException e) {
            closeAll(open);   // nothing half-followed: no file left open, no watch without its files
            if (key != null) {
                ids.remove(key);
                keys.remove(id, key);
                key.cancel();
            }
            if (String.valueOf(e.getMessage()).contains("Too many open files")) {
                log.error("cannot watch box {}: out of open files ({} boxes followed, up to 3 files each); its exits "
                        + "and OOM kills go unseen until the next reconcile. Raise boxd's open-file limit "
                        + "(LimitNOFILE= in its unit, ulimit -n) or remove boxes: see the README, Capacity", id, keys.size());
            } else {
                log.warn("cannot watch box {}: {}", id, e.getMessage());
            }
            return;
        }
        if (check) {
            queue(id, POPULATED | COUNTERS, 0, 0);
        }
    }

    /** A parent directory's watch, and the directory's file key (device and inode) it was made on. */
    private record ParentWatch(WatchKey key, Object fileKey) {
    }

    /**
     * Watches {@code parent} for deletes once per directory: a stat per new box, and a new watch
     * only when the directory is new. systemd removes the base slice when its last box goes and
     * makes it again for the next, a new directory at the old path; on cgroupfs a watch outlives
     * its directory, so the old one is cancelled here.
     */
    private void watchParent(Path parent, WatchService w) {
        if (parent == null) {
            return;
        }
        try {
            Object fileKey = Files.readAttributes(parent, BasicFileAttributes.class).fileKey();
            synchronized (parentWatches) {
                ParentWatch old = parentWatches.get(parent);
                if (old != null && old.key().isValid() && Objects.equals(old.fileKey(), fileKey)) {
                    return;
                }
                WatchKey key = parent.register(w, StandardWatchEventKinds.ENTRY_DELETE);
                parentWatches.put(parent, new ParentWatch(key, fileKey));
                if (old != null && old.key() != key) {
                    old.key().cancel();
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot watch {} for box cgroups removed outside boxd ({}): such a box becomes LOST at its "
                    + "next request or reconcile", parent, e.getMessage());
        }
    }

    private static void closeAll(List<FileChannel> channels) {
        if (channels != null) {
            for (FileChannel c : channels) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    /**
     * Stops following a box. The watch must be cancelled: on cgroupfs (kernfs) an rmdir does not
     * drop it, as it does on other file systems; the kernel keeps it, and the directory's inode,
     * until the watch is removed or boxd exits.
     */
    public void unwatch(String id) {
        WatchKey key = keys.remove(id);
        if (key != null) {
            ids.remove(key);
            key.cancel();
        }
        closeAll(pinned.remove(id));
        Path dir = dirs.remove(id);
        if (dir != null) {
            boxAt.remove(dir, id);
        }
    }

    /**
     * Records that a live box's cgroup is gone; the record is kept. The watch goes once that is
     * saved (on cgroupfs it outlives the directory): a save that fails is tried again while the
     * box is followed. Caller holds the box's lock.
     */
    void lost(BoxRecord rec, String detail) {
        rec.state(BoxState.LOST);
        saveWith(rec, "lost", detail);
        unwatch(rec.id);
    }

    public int watching() {
        return keys.size();
    }

    /** The boxes boxd follows now: every box with a cgroup. A live view, safe to iterate. */
    public Set<String> watchedIds() {
        return Collections.unmodifiableSet(keys.keySet());
    }

    /** Whether boxd follows this box now. */
    public boolean watching(String id) {
        return keys.containsKey(id);
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = ws.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            onKey(key);
        }
    }

    /** One signalled key: what changed is queued for the handler thread. */
    void onKey(WatchKey key) {
        Path dir = key.watchable() instanceof Path p ? p : null;
        ParentWatch parent = dir == null ? null : parentWatches.get(dir);
        if (parent != null && parent.key() == key) {
            onParentKey(key, dir);
            return;
        }
        String id = ids.get(key);
        boolean populatedChanged = false;
        boolean countersChanged = false;
        boolean limitsChanged = false;
        boolean overflow = false;
        for (WatchEvent<?> ev : key.pollEvents()) {
            if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                // Events were dropped (the kernel's queue or the key's list was full): any box may have changed.
                overflow = true;
                continue;
            }
            String name = String.valueOf(ev.context());
            populatedChanged |= "cgroup.events".equals(name);
            countersChanged |= COUNTER_FILES.contains(name);
            limitsChanged |= driver.isLimitFile(name);
        }
        if (!key.reset()) {
            // Its directory stays known, so that the parent's delete event still makes the box LOST.
            ids.remove(key);
            if (id != null && keys.remove(id, key)) {
                closeAll(pinned.remove(id));
            }
        }
        if (overflow) {
            checkAll();
        }
        int what = (populatedChanged ? POPULATED : 0) | (countersChanged ? COUNTERS : 0) | (limitsChanged ? LIMITS : 0);
        if (id != null && what != 0) {
            queue(id, what, 0, 0);
        }
    }

    /** A delete in a parent directory: a followed box's directory removed, by boxd (which unfollows first) or not. */
    private void onParentKey(WatchKey key, Path parent) {
        List<String> gone = new ArrayList<>();
        boolean overflow = false;
        for (WatchEvent<?> ev : key.pollEvents()) {
            if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                overflow = true;
            } else if (ev.context() instanceof Path name) {
                String id = boxAt.get(parent.resolve(name));
                if (id != null) {
                    gone.add(id);
                }
            }
        }
        if (!key.reset()) {
            parentWatches.computeIfPresent(parent, (p, w) -> w.key() == key ? null : w);
        }
        if (overflow) {
            checkAll();
        }
        gone.forEach(id -> queue(id, GONE, 0, 0));
    }

    /**
     * Queues one full check of every watched box. A kernel overflow signals OVERFLOW on every
     * key, so the keys that arrive before the sweep starts share it.
     */
    private void checkAll() {
        if (checkAllQueued.compareAndSet(false, true)) {
            submit(() -> {
                checkAllQueued.set(false);
                for (String id : dirs.keySet()) {
                    queue(id, POPULATED | COUNTERS | LIMITS | GONE, 0, 0);
                }
            }, 0);
        }
    }

    /**
     * Queues a check of {@code id}; a box has at most one check queued, which absorbs later
     * requests for it, so a burst of events or retries costs one check.
     */
    private void queue(String id, int what, long delayMs, int attempt) {
        boolean[] first = {false};
        queued.compute(id, (k, v) -> {
            first[0] = v == null;
            return v == null ? what : v | what;
        });
        if (first[0]) {
            submit(() -> {
                Integer now = queued.remove(id);
                if (now != null) {
                    check(id, now, attempt);
                }
            }, delayMs);
        }
    }

    private void submit(Runnable task, long delayMs) {
        try {
            handler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // boxd is stopping; the startup reconcile looks again
        }
    }

    /**
     * Runs on the single handler thread, so it must not wait for a box's lock (a stop with a
     * long grace holds it): a busy box is queued again, with backoff, while it is watched. The
     * retries end when the request does; requests hold a box for a bounded time. A check that
     * fails is queued again the same way, up to {@link #FAILED_ATTEMPTS} times in a row.
     */
    private void check(String id, int what, int attempt) {
        if (!handle(id, what) && dirs.containsKey(id)) {
            long delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS << Math.min(attempt, 10));
            queue(id, what, delay, attempt + 1);
        } else {
            failures.remove(id);
        }
    }

    /**
     * Only what changed is read: the counters when their files changed, the limits when one of
     * theirs was written, and the record only when the box has just become empty (a box that
     * gained processes needs nothing) or its directory was removed. A live box whose cgroup is
     * gone, found under its lock (so not in the middle of boxd's own delete), is LOST. False when
     * the box was locked, the database unavailable, or the check failed before its last attempt,
     * so nothing was done.
     */
    private boolean handle(String id, int what) {
        boolean countersChanged = (what & COUNTERS) != 0;
        boolean limitsChanged = (what & LIMITS) != 0;
        try {
            boolean emptied = (what & POPULATED) != 0 && !driver.populated(id);
            if (!emptied && !countersChanged && !limitsChanged && (what & GONE) == 0) {
                return true;
            }
            return locks.tryWith(id, () -> {
                BoxRecord rec = boxes.findById(id).orElse(null);
                if (rec == null || !rec.state.live()) {
                    return;
                }
                if (!driver.exists(id)) {
                    lost(rec, "cgroup " + rec.cgroupPath + " was removed outside boxd; the record is kept");
                    return;
                }
                if (countersChanged || (emptied && rec.state == BoxState.RUNNING)) {
                    counters.note(id, driver.counters(id));
                }
                if (emptied && rec.state == BoxState.RUNNING && !driver.populated(id)) {
                    BoxRecord fresh = boxes.findById(id).orElseThrow();
                    fresh.state(BoxState.EXITED);
                    saveWith(fresh, "exited", "cgroup.events: populated 0");
                }
                if (limitsChanged) {
                    // boxd's own writes hold this lock and record what they read back, so a
                    // difference here was written by someone else (an operator, systemd).
                    BoxRecord fresh = boxes.findById(id).orElseThrow();
                    fresh.enforcedNow(driver.readEnforced(id)).ifPresent(detail ->
                            saveWith(fresh, "enforced-changed", detail + ", after a write to a limit file since boxd last read them"));
                }
            });
        } catch (RuntimeException e) {
            if (DatabaseFailures.unavailable(e)) {
                // Tried again, with backoff, until the database is back: an exit or an OOM kill is
                // still in the kernel's counters then, and is recorded late rather than never.
                log.warn("exit handling for box {} waits for the database: {}", id, DatabaseFailures.reason(e));
                return false;
            }
            int failed = failures.merge(id, 1, Integer::sum);
            if (failed < FAILED_ATTEMPTS) {
                log.warn("exit handling for box {} failed, trying again: {}", id, e.getMessage());
                return false;
            }
            log.warn("exit handling for box {} failed {} times; the box's next request or reconcile looks again: {}",
                    id, FAILED_ATTEMPTS, e.getMessage());
            return true;
        }
    }

    private void saveWith(BoxRecord rec, String type, String detail) {
        tx.executeWithoutResult(s -> {
            boxes.save(rec);
            history.add(BoxEvent.of(rec.id, type, detail));
        });
    }

    @Override
    public void start() {
        try {
            ws = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the cgroup watcher: " + e.getMessage(), e);
        }
        loop = new Thread(this::run, "boxd-exit-watcher");
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public void stop() {
        try {
            if (ws != null) {
                ws.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        handler.shutdown();
        pinned.values().forEach(ExitWatcher::closeAll);
        pinned.clear();
        keys.clear();
        ids.clear();
        dirs.clear();
        boxAt.clear();
        parentWatches.clear();
        ws = null;
    }

    @Override
    public boolean isRunning() {
        return ws != null;
    }

    /** Start before the web server and the startup reconcile, which register watches. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 100;
    }
}
