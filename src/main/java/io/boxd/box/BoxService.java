package io.boxd.box;

import io.boxd.box.BoxProblems.Conflict;
import io.boxd.box.BoxProblems.Invalid;
import io.boxd.box.BoxProblems.NotFound;
import io.boxd.driver.BoxDriver;
import io.boxd.driver.BoxProcess;
import io.boxd.driver.BoxStats;
import io.boxd.driver.DriverException;
import io.boxd.driver.NoSuchCgroupException;
import io.boxd.driver.SpawnSpec;
import io.boxd.driver.SpawnedProcess;
import io.boxd.driver.StopOutcome;
import io.boxd.limits.LimitDefaults;
import io.boxd.limits.LimitRules;
import io.boxd.limits.Limits;
import io.boxd.security.SpawnIdentity;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.relational.core.conversion.DbActionExecutionException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The box lifecycle. Every step writes its intent to the database before it touches the kernel
 * (CREATING before mkdir, REMOVING before rmdir), holds the box's lock so there is one writer
 * per box, and records what happened in the box's history.
 */
@Service
public class BoxService {

    private static final Logger log = LoggerFactory.getLogger(BoxService.class);
    private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Path ROOT = Path.of("/");

    private final BoxRepository boxes;
    private final BoxHistory history;
    private final BoxDriver driver;
    private final BoxLocks locks;
    private final LimitDefaults defaults;
    private final DataDir dataDir;
    private final TransactionTemplate tx;
    private final BoxFinder finder;
    private final CounterRecorder counters;
    private final ExitWatcher watcher;
    private final SpawnIdentity identity;
    private final OwnerMark owner;

    BoxService(BoxRepository boxes, BoxHistory history, BoxDriver driver, BoxLocks locks, LimitDefaults defaults,
               DataDir dataDir, TransactionTemplate tx, BoxFinder finder, CounterRecorder counters, ExitWatcher watcher,
               SpawnIdentity identity, OwnerMark owner) {
        this.identity = identity;
        this.owner = owner;
        this.boxes = boxes;
        this.counters = counters;
        this.watcher = watcher;
        this.finder = finder;
        this.history = history;
        this.driver = driver;
        this.locks = locks;
        this.defaults = defaults;
        this.dataDir = dataDir;
        this.tx = tx;
    }

    public BoxDriver driver() {
        return driver;
    }

    // ---- create ------------------------------------------------------------------------

    public Box create(NewBox req) {
        NewBox r = req == null ? new NewBox(null, null, null, null) : req;
        invalidIf(BoxRules.newBox(r));
        String id = r.id() != null ? r.id() : generateId();
        Limits limits = LimitRules.withDefaults(r.limits(), r.vmMemoryBytes(), defaults);
        return locks.with(id, () -> {
            BoxRecord rec = new BoxRecord();
            rec.id = id;
            rec.state = BoxState.CREATING;
            rec.driver = driver.name();
            rec.limits = limits;
            rec.createdAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            rec.updatedAt = rec.createdAt;
            rec.labelMap(r.labels());
            BoxRecord saved = insert(rec);
            boolean made = false;
            try {
                var placement = driver.create(id, limits);
                made = true;
                owner.mark(id);
                saved.cgroupPath = placement.cgroupPath();
                saved.enforced = placement.enforced();
                saved.state(BoxState.CREATED);
                watcher.watch(id);
                return view(saveWith(saved, BoxEvent.of(id, "created",
                        "cgroup " + placement.cgroupPath() + "; requested " + limits + "; enforced " + placement.enforced())));
            } catch (RuntimeException e) {
                rollBackCreate(id, made, e);
                throw e;
            }
        });
    }

    /**
     * Undoes a failed create. A failing driver.create rolled back its own cgroup; after it
     * succeeded, the watch and the cgroup are boxd's to remove. If that removal fails, the
     * CREATING record stays so that reconciliation finishes the rollback. Caller holds the lock.
     */
    private void rollBackCreate(String id, boolean made, RuntimeException cause) {
        if (made) {
            watcher.unwatch(id);
            try {
                driver.remove(id);
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
                log.warn("create of box {} failed and its cgroup could not be removed; reconcile will: {}", id, e.getMessage());
                return;
            }
        }
        try {
            tx.executeWithoutResult(s -> {
                history.deleteAll(id);
                boxes.deleteById(id);
            });
        } catch (RuntimeException e) {
            // The CREATING record without a cgroup is rolled back by reconciliation.
            cause.addSuppressed(e);
            log.warn("create of box {} failed and its record could not be dropped; reconcile will: {}", id, e.getMessage());
        }
    }

    private BoxRecord insert(BoxRecord rec) {
        try {
            return tx.execute(s -> boxes.save(rec));
        } catch (DbActionExecutionException | DataIntegrityViolationException e) {
            if (boxes.existsById(rec.id)) {
                throw new Conflict("box-exists", "a box with id '" + rec.id + "' already exists");
            }
            throw e;
        }
    }

    static String generateId() {
        char[] out = new char[16];
        for (int i = 0; i < out.length; i++) {
            out[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return "box-" + new String(out);
    }

    // ---- read --------------------------------------------------------------------------

    public Box get(String id) {
        return view(load(id));
    }

    public static final int MAX_PAGE_SIZE = 500;

    /** {@code label} entries are {@code key=value}, taken whole (a value may hold '=' or ','); all must match. */
    public BoxPage list(String state, List<String> label, int page, int size) {
        List<Invalid.Violation> bad = new ArrayList<>();
        BoxState st = null;
        if (state != null && !state.isBlank()) {
            try {
                st = BoxState.valueOf(state.trim().toUpperCase());
            } catch (IllegalArgumentException e) {
                bad.add(new Invalid.Violation("state", "must be one of " + java.util.Arrays.toString(BoxState.values())));
            }
        }
        // Pairs, not a map: env=a and env=b together must match nothing, as no box has both.
        Set<BoxLabel> labels = new LinkedHashSet<>();
        for (String l : label == null ? List.<String>of() : label) {
            int eq = l.indexOf('=');
            if (eq <= 0) {
                bad.add(new Invalid.Violation("label", "must be key=value, was '" + l + "'"));
            } else {
                labels.add(new BoxLabel(l.substring(0, eq), l.substring(eq + 1)));
            }
        }
        if (page < 0) {
            bad.add(new Invalid.Violation("page", "must be 0 or more"));
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            bad.add(new Invalid.Violation("size", "must be between 1 and " + MAX_PAGE_SIZE));
        }
        invalidIf(bad);
        return finder.find(st, labels, page, size);
    }

    public List<BoxEvent> events(String id) {
        load(id);
        return history.of(id);
    }

    public List<BoxProcess> processes(String id) {
        BoxRecord rec = load(id);
        return rec.state.live() ? driver.processes(id) : List.of();
    }

    public BoxStats stats(String id) {
        requireLive(load(id));
        BoxStats stats;
        try {
            stats = driver.stats(id);
        } catch (NoSuchCgroupException e) {
            throw locks.with(id, () -> lost(requireLive(load(id))));
        }
        locks.tryWith(id, () -> noteCounters(id, stats));
        return stats;
    }

    // ---- change ------------------------------------------------------------------------

    public Box patch(String id, Limits patch) {
        validId(id);
        invalidIf(BoxRules.limits(patch));
        return locks.with(id, () -> {
            BoxRecord rec = requireLive(load(id));
            Limits next = patch == null ? rec.limits : patch.orElse(rec.limits);
            Limits enforced = onCgroup(rec, () -> driver.applyLimits(id, next));
            if (next.equals(rec.limits) && enforced.equals(rec.enforced)) {
                return view(rec);   // applied and read back, and nothing changed: no event
            }
            rec.limits = next;
            rec.enforced = enforced;
            rec.state(rec.state);
            return view(saveWith(rec, BoxEvent.of(id, "limits-changed", "requested " + next + "; enforced " + enforced)));
        });
    }

    public SpawnedProcess spawn(String id, NewProcess req) {
        validId(id);
        invalidIf(BoxRules.process(req));
        // Not boxd's own working directory, which may hold the data dir.
        Path cwd = req.cwd() == null ? ROOT : Path.of(req.cwd());
        if (req.cwd() != null && !Files.isDirectory(cwd)) {
            throw new Invalid("cwd", "is not an existing directory: " + req.cwd());
        }
        SpawnIdentity.Identity as = identity.resolve(req.uid(), req.gid());
        Map<String, String> env = req.env() == null ? Map.of() : req.env();
        if (Executables.resolve(req.argv().get(0), env.get("PATH"), cwd).isEmpty()) {
            String program = req.argv().get(0);
            throw new Invalid("argv[0]", "is not an executable file" + (program.contains("/") ? "" : " (searched PATH)") + ": " + program);
        }
        return locks.with(id, () -> {
            BoxRecord rec = requireLive(load(id));
            Set<ProcessHandle> before = driver.beforeStart(id);
            SpawnedProcess p = onCgroup(rec, () -> driver.spawn(id, new SpawnSpec(req.argv(), env, cwd, as.uid(), as.gid(),
                    dataDir.logFile(id))));
            rec.state(BoxState.RUNNING);
            try {
                // Who it runs as first: a long argv is cut to fit the detail, the identity never.
                saveWith(rec, BoxEvent.of(id, "process-started", "pid " + p.pid() + " as " + as + " argv " + p.argv()));
            } catch (RuntimeException e) {
                killUnrecorded(id, p.pid(), before, e);
                throw e;
            }
            return p;
        });
    }

    /**
     * A process whose start could not be recorded is killed, with all it started: the caller is
     * told the spawn failed and may retry, and must not find a second copy running. Caller holds
     * the lock.
     */
    private void killUnrecorded(String id, int pid, Set<ProcessHandle> before, RuntimeException cause) {
        try {
            driver.undoStart(id, pid, before);
            log.warn("box {}: pid {} was started but could not be recorded, so it was killed, with all it started: {}",
                    id, pid, DatabaseFailures.reason(cause));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            log.warn("box {}: pid {} was started but could not be recorded, and killing it failed: {}", id, pid, e.getMessage());
        }
    }

    public Box adopt(String id, int pid) {
        validId(id);
        if (pid <= 0) {
            throw new Invalid("pid", "must be greater than 0");
        }
        return locks.with(id, () -> {
            BoxRecord rec = requireLive(load(id));
            boolean moved = onCgroup(rec, () -> driver.adopt(id, pid));
            if (!moved && rec.state == BoxState.RUNNING) {
                return view(rec);   // adopted before: the history has it once
            }
            rec.state(BoxState.RUNNING);
            return view(saveWith(rec, BoxEvent.of(id, "process-adopted", "pid " + pid + (moved ? "" : ", in the box already"))));
        });
    }

    public Box kill(String id) {
        validId(id);
        return locks.with(id, () -> {
            BoxRecord rec = requireLive(load(id));
            if (!driver.kill(id)) {
                throw lost(rec);
            }
            rec.state(BoxState.STOPPED);
            return view(saveWith(rec, BoxEvent.of(id, "killed", "cgroup.kill; the box is empty")));
        });
    }

    public Box stop(String id, BigInteger graceSeconds) {
        validId(id);
        int grace = BoxRules.graceSeconds(graceSeconds);
        long start = System.nanoTime();
        int signalled = locks.with(id, () -> {
            BoxRecord rec = requireLive(load(id));
            if (!driver.exists(id)) {
                throw lost(rec);   // terminate's 0 would not tell a gone cgroup from an empty one
            }
            return driver.terminate(id);
        });
        // The grace period runs without the box's lock: a kill or a forced delete may end it
        // sooner (a stop of up to an hour must not lock the operator out of the box).
        boolean emptied = driver.awaitEmpty(id, Duration.ofSeconds(grace));
        return locks.with(id, () -> {
            BoxRecord rec = load(id);
            if (!rec.state.live()) {
                return view(rec);   // removed meanwhile; its history says so
            }
            // Still populated, or again: a process started during the grace period ends with the rest.
            boolean killed = !emptied || driver.populated(id);
            if (killed) {
                driver.kill(id);
            }
            StopOutcome outcome = new StopOutcome(signalled, killed, Duration.ofNanos(System.nanoTime() - start));
            rec.state(BoxState.STOPPED);
            return view(saveWith(rec, BoxEvent.of(id, "stopped", outcome.describe(Duration.ofSeconds(grace)))));
        });
    }

    /** Deletes a box's cgroup; the record and its history stay, in state REMOVED. */
    public void delete(String id, boolean force) {
        validId(id);
        locks.with(id, () -> {
            BoxRecord rec = load(id);
            if (rec.state == BoxState.REMOVED) {
                return null;
            }
            if (rec.state == BoxState.LOST) {
                rec.state(BoxState.REMOVED);
                saveWith(rec, BoxEvent.of(id, "removed", "the cgroup " + rec.cgroupPath + " was already gone"));
                return null;
            }
            if (!force && driver.populated(id)) {
                throw new Conflict("box-has-processes",
                        "box '" + id + "' has live processes; kill or stop it first, or DELETE with force=true");
            }
            BoxState before = rec.state;
            rec.state(BoxState.REMOVING);
            // An empty box's counters are final already: they go in with the intent, one commit.
            List<BoxEvent> taken = force ? List.of() : takeFinalCounters(rec);
            rec = saveWith(rec, taken);
            try {
                removeNow(rec, force);
            } catch (RuntimeException e) {
                keepAfterFailedDelete(id, before, force, e);
                throw e;
            }
            return null;
        });
    }

    /**
     * A delete whose kill or rmdir failed (a process stuck in the kernel outlives the kill
     * timeout) leaves the box as a live box again, not REMOVING: it can be killed, stopped,
     * listed and deleted as before, and its history says why the delete failed. Where the cgroup
     * is gone or the record cannot be saved, REMOVING stays for reconciliation to finish. Caller
     * holds the lock.
     */
    private void keepAfterFailedDelete(String id, BoxState before, boolean force, RuntimeException cause) {
        try {
            if (!driver.exists(id)) {
                return;
            }
            BoxRecord rec = load(id);
            boolean populated = driver.populated(id);
            rec.state(populated ? BoxState.RUNNING : force && before == BoxState.RUNNING ? BoxState.STOPPED : before);
            saveWith(rec, BoxEvent.of(id, "delete-failed", "the box stays " + rec.state + ": " + cause.getMessage()));
            watcher.watch(id);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            log.warn("box {}: the delete failed and the box could not be restored, so it stays REMOVING for reconcile: {}",
                    id, e.getMessage());
        }
    }

    /**
     * The kernel half of delete, from REMOVING to REMOVED. Also used by reconciliation to finish
     * a delete that a crash interrupted. With {@code kill}, the final counters are taken after
     * the kill; without, the box was empty and the REMOVING record already holds them. Caller
     * holds the box's lock.
     */
    void removeNow(BoxRecord rec, boolean kill) {
        String id = rec.id;
        BoxRecord current = rec;
        if (kill) {
            driver.kill(id);
            // Saved before the rmdir: once the cgroup is gone, so are its counters.
            List<BoxEvent> taken = takeFinalCounters(current);
            if (!taken.isEmpty()) {
                current = saveWith(current, taken);
            }
        }
        watcher.unwatch(id);
        driver.remove(id);
        current.state(BoxState.REMOVED);
        saveWith(current, BoxEvent.of(id, "removed", (kill ? "killed, then " : "") + "removed " + current.cgroupPath));
    }

    /**
     * Puts the box's last OOM and pids counters into {@code rec} (in memory) and returns what the
     * history gains with them: an event per rise, then the final snapshot. Nothing once the
     * cgroup is gone.
     */
    private List<BoxEvent> takeFinalCounters(BoxRecord rec) {
        if (!driver.exists(rec.id)) {
            return List.of();
        }
        BoxStats last = driver.counters(rec.id);
        List<BoxEvent> events = new ArrayList<>(CounterRecorder.apply(rec, last));
        String counters = Counters.format(Counters.of(last));
        if (!counters.isEmpty()) {
            events.add(BoxEvent.of(rec.id, "final-counters", counters));
        }
        return events;
    }

    /** Records rises in the OOM and pids counters as events. Caller holds the box's lock. */
    void noteCounters(String id, BoxStats stats) {
        counters.note(id, stats);
    }

    // ---- helpers -----------------------------------------------------------------------

    Box view(BoxRecord r) {
        return Box.of(r, r.driver.equals(driver.name()) ? driver.unitName(r.id) : null);
    }

    private BoxRecord saveWith(BoxRecord rec, BoxEvent event) {
        return saveWith(rec, List.of(event));
    }

    /** The record and its events, in one transaction. */
    private BoxRecord saveWith(BoxRecord rec, List<BoxEvent> events) {
        return tx.execute(s -> {
            BoxRecord saved = boxes.save(rec);
            events.forEach(history::add);
            return saved;
        });
    }

    BoxRecord load(String id) {
        validId(id);
        return boxes.findById(id).orElseThrow(() -> new NotFound(id));
    }

    /**
     * A driver step on a live box. A cgroup removed outside boxd makes the box LOST now, as the
     * next reconcile would, rather than a 500. Caller holds the box's lock.
     */
    private <T> T onCgroup(BoxRecord rec, Supplier<T> step) {
        try {
            return step.get();
        } catch (NoSuchCgroupException e) {
            throw lost(rec);
        }
    }

    /** Marks a box whose cgroup is gone LOST, and returns the 409 that says so. Caller holds the lock. */
    private Conflict lost(BoxRecord rec) {
        markLost(rec);
        return new Conflict("box-not-live", "box '" + rec.id + "' is LOST: its cgroup " + rec.cgroupPath
                + " is gone (removed outside boxd); the record is kept");
    }

    /** Records that a live box's cgroup is gone ({@link ExitWatcher#lost}). Caller holds the box's lock. */
    void markLost(BoxRecord rec) {
        markLost(rec, "cgroup " + rec.cgroupPath + " is gone; the record is kept");
    }

    void markLost(BoxRecord rec, String detail) {
        watcher.lost(rec, detail);
    }

    private static BoxRecord requireLive(BoxRecord rec) {
        if (!rec.state.live()) {
            throw new Conflict("box-not-live", "box '" + rec.id + "' is " + rec.state + "; this needs a live box");
        }
        return rec;
    }

    private static void validId(String id) {
        invalidIf(BoxRules.id("id", id));
    }

    private static void invalidIf(List<Invalid.Violation> violations) {
        if (!violations.isEmpty()) {
            throw new Invalid(new ArrayList<>(violations));
        }
    }
}
