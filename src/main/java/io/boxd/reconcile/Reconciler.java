package io.boxd.reconcile;

import io.boxd.box.BoxRepair;
import io.boxd.box.BoxRepair.Outcome;
import io.boxd.box.BoxRules;
import io.boxd.box.BoxState;
import io.boxd.box.ExitWatcher;
import io.boxd.box.OwnerMark;
import io.boxd.driver.BoxDriver;
import io.boxd.driver.BoxProcess;
import io.boxd.driver.DriverException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Makes the records and the kernel agree: orphan cgroups by policy, records whose cgroup is
 * gone become LOST, unfinished creates roll back, unfinished deletes finish, and states follow
 * what the kernel shows. One pass at a time; a box busy with a request is left for the next pass.
 * A cgroup with no record here but the mark of another boxd database is that database's box
 * ({@link OwnerMark}): listed as foreign, never reaped or adopted, unless taken over by name.
 */
@Service
public class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final BoxDriver driver;
    private final BoxRepair repair;
    private final ExitWatcher watcher;
    private final ReconcileProperties props;
    private final ReconcileLog history;
    private final OwnerMark owner;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private final AtomicReference<ReconcileReport> last = new AtomicReference<>();
    private final Counter orphansReaped;
    private final Counter orphansAdopted;

    Reconciler(BoxDriver driver, BoxRepair repair, ExitWatcher watcher, ReconcileProperties props, ReconcileLog history,
               OwnerMark owner, MeterRegistry registry) {
        // Orphans have no record, so no history to count them from (adopted ones gain one).
        this.orphansReaped = orphans(registry, "reaped");
        this.orphansAdopted = orphans(registry, "adopted");
        Gauge.builder("boxd.reconcile.orphans.reported", last, r -> r.get() == null ? 0 : r.get().orphansReported())
                .description("Orphan cgroups the last pass left alone (boxd.reconcile.orphans=report)")
                .register(registry);
        Gauge.builder("boxd.reconcile.orphans.foreign", last, r -> r.get() == null ? 0 : r.get().orphansForeign())
                .description("Cgroups under the base that carry another boxd database's mark, which the last pass left alone")
                .register(registry);
        this.owner = owner;
        this.driver = driver;
        this.repair = repair;
        this.watcher = watcher;
        this.props = props;
        this.history = history;
    }

    public ReconcileReport last() {
        ReconcileReport r = last.get();
        return r != null ? r : history.latest().orElse(null);
    }

    public ReconcileReport run(String trigger) {
        oneAtATime.lock();
        try {
            ReconcileReport before = last.get();
            ReconcileReport r = pass(trigger);
            last.set(r);
            history.save(r);
            orphansReaped.increment(r.orphansReaped());
            orphansAdopted.increment(r.orphansAdopted());
            if (r.orphansReaped() + r.orphansAdopted() + r.orphansReported() + r.lost() + r.repaired() > 0) {
                log.info("reconcile ({}): reaped {} adopted {} reported {} lost {} repaired {} busy {} in {} ms", trigger,
                        r.orphansReaped(), r.orphansAdopted(), r.orphansReported(), r.lost(), r.repaired(), r.busy(), r.durationMillis());
            }
            if (r.orphansForeign() > 0 && (!"periodic".equals(trigger) || before == null
                    || before.orphansForeign() != r.orphansForeign())) {
                warnForeign(r);
            }
            return r;
        } finally {
            oneAtATime.unlock();
        }
    }

    /** A mark of another database that is not taken over. */
    private boolean foreign(String mark) {
        return !mark.equals(owner.id()) && !props.takeOver().contains(mark);
    }

    /**
     * One box a record claims. Periodic passes only repair. Full passes read its mark first:
     * another database's box under this id (made after this record's box was gone) must not be
     * repaired as this one's; and at startup a box with no mark yet (made before boxd marked
     * boxes) gets this database's. A mark that cannot be read leaves the claim as it was.
     */
    private Outcome claimed(String id, BoxState state, String trigger) {
        if ("periodic".equals(trigger)) {
            return repair.repair(id, state);
        }
        Optional<String> mark;
        try {
            mark = driver.markOf(id);
        } catch (DriverException e) {
            log.debug("cannot read the owner mark of box {}: {}", id, e.getMessage());
            return repair.repair(id);
        }
        if (mark.filter(this::foreign).isPresent()) {
            return repair.lostToAnother(id, mark.get());
        }
        Outcome o = repair.repair(id);
        if (mark.isEmpty() && "startup".equals(trigger) && o != Outcome.LOST) {
            owner.mark(id);   // no cgroup any more (rolled back, removed): nothing marked, said at DEBUG
        }
        return o;
    }

    private void warnForeign(ReconcileReport r) {
        Set<String> others = new TreeSet<>();
        r.orphans().stream().filter(o -> "foreign".equals(o.action())).forEach(o -> others.add(o.owner()));
        int n = r.orphansForeign();
        log.warn("reconcile ({}): left alone {} {} under {} marked by another boxd database ({}), not by this one ({}): "
                + "boxes of a boxd that ran on another data dir or database. Start that boxd to manage them; or, if its "
                + "records are gone for good, name its id in boxd.reconcile.take-over to make them orphans of this one "
                + "(boxd.reconcile.orphans says what then happens to them)",
                r.trigger(), n, n == 1 ? "cgroup" : "cgroups", driver.basePath(), String.join(", ", others), owner.id());
    }

    private static Counter orphans(MeterRegistry registry, String action) {
        return Counter.builder("boxd.reconcile.orphans")
                .description("Orphan cgroups (under the base, with no record) that reconciliation reaped or adopted")
                .tag("action", action)
                .register(registry);
    }

    private ReconcileReport pass(String trigger) {
        long t0 = System.nanoTime();
        Instant startedAt = Instant.now();
        // The tree first, then the records: a create writes its record before its cgroup, so a
        // box made meanwhile is claimed by then, not taken for an orphan.
        Set<String> dirs = new HashSet<>(driver.listBoxes());
        Map<String, BoxState> claims = repair.claims();

        AtomicInteger lost = new AtomicInteger();
        AtomicInteger repaired = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        List<ReconcileReport.Orphan> orphans = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger reaped = new AtomicInteger();
        AtomicInteger adopted = new AtomicInteger();
        AtomicInteger reported = new AtomicInteger();
        AtomicInteger foreign = new AtomicInteger();
        Map<String, String> marks = new ConcurrentHashMap<>();

        List<String> orphanIds = new ArrayList<>();
        for (String dir : dirs) {
            if (!claims.containsKey(dir)) {
                orphanIds.add(dir);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, props.threads()), r -> {
            Thread t = new Thread(r, "boxd-reconcile");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> work = new ArrayList<>();
            for (Map.Entry<String, BoxState> claim : claims.entrySet()) {
                work.add(pool.submit(() -> {
                    switch (claimed(claim.getKey(), claim.getValue(), trigger)) {
                        case LOST -> lost.incrementAndGet();
                        case BUSY -> busy.incrementAndGet();
                        case NONE, ADOPTED -> { }
                        default -> repaired.incrementAndGet();
                    }
                }));
            }
            boolean reap = props.orphans() == ReconcileProperties.OrphanPolicy.REAP;
            Map<String, List<Integer>> signalled = new ConcurrentHashMap<>();
            for (String id : orphanIds) {
                work.add(pool.submit(() -> {
                    Optional<String> mark;
                    try {
                        mark = driver.markOf(id);
                    } catch (DriverException e) {
                        // Whose box it is cannot be told: never reaped or adopted on a guess.
                        log.warn("reconcile: cannot read the owner mark of orphan {}, so it is only reported: {}", id, e.getMessage());
                        listed(id, "reported", null, orphans, reported);
                        return;
                    }
                    mark.ifPresent(m -> marks.put(id, m));
                    if (mark.filter(this::foreign).isPresent()) {
                        listed(id, "foreign", mark.get(), orphans, foreign);
                    } else if (reap) {
                        signalOrphan(id, signalled, busy);
                    } else {
                        orphan(id, mark.orElse(null), orphans, adopted, reported, busy);
                    }
                }));
            }
            awaitAll(work);
            if (reap) {
                // Every orphan's processes were signalled above, so they die all at once rather
                // than one cgroup at a time; now kill what is left (cgroup.kill) and rmdir.
                work.clear();
                for (Map.Entry<String, List<Integer>> e : signalled.entrySet()) {
                    work.add(pool.submit(() -> removeOrphan(e.getKey(), e.getValue(), marks.get(e.getKey()), orphans, reaped, busy)));
                }
                awaitAll(work);
            }
        } finally {
            pool.shutdownNow();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new ReconcileReport(reaped.get(), adopted.get(), lost.get(), repaired.get(), ms, reported.get(), busy.get(),
                trigger, startedAt, List.copyOf(orphans), foreign.get());
    }

    private static void awaitAll(List<Future<?>> work) {
        for (Future<?> f : work) {
            try {
                f.get();
            } catch (Exception e) {
                log.warn("reconcile step failed: {}", e.getMessage());
            }
        }
    }

    /** Lists an orphan as it is now, touching nothing in it; not when it is gone (deleted meanwhile). */
    private void listed(String id, String action, String mark, List<ReconcileReport.Orphan> orphans, AtomicInteger count) {
        if (!driver.exists(id)) {
            return;
        }
        count.incrementAndGet();
        orphans.add(new ReconcileReport.Orphan(driver.cgroupPath(id), driver.processes(id).stream().map(BoxProcess::pid).toList(),
                action, mark));
    }

    /** Adopt or report one orphan cgroup. */
    private void orphan(String id, String mark, List<ReconcileReport.Orphan> orphans, AtomicInteger adopted,
                        AtomicInteger reported, AtomicInteger busy) {
        if (props.orphans() != ReconcileProperties.OrphanPolicy.ADOPT || !BoxRules.ID.matcher(id).matches()) {
            listed(id, "reported", mark, orphans, reported);
            return;
        }
        if (!driver.exists(id)) {
            return;   // deleted meanwhile, through the API
        }
        String path = driver.cgroupPath(id);
        List<Integer> pids = driver.processes(id).stream().map(BoxProcess::pid).toList();
        Outcome o = repair.adoptOrphan(id, "orphan cgroup " + path + " with pids " + pids);
        if (o == Outcome.ADOPTED) {
            adopted.incrementAndGet();
            orphans.add(new ReconcileReport.Orphan(path, pids, "adopted", mark));
        } else if (o == Outcome.BUSY) {
            busy.incrementAndGet();
        } else if (o == Outcome.ID_TAKEN) {
            // Ids are never reused, so it cannot be adopted; it is reported rather than lost from sight.
            reported.incrementAndGet();
            orphans.add(new ReconcileReport.Orphan(path, pids, "reported", mark));
        }
    }

    /**
     * First half of reaping: if no request holds the id and no record claims it, note the
     * orphan's pids and SIGKILL them without waiting. This only speeds the reap up (10,000
     * cgroups waited for one by one take ten times the kernel floor); the second half does the
     * authoritative cgroup.kill, so a process forked meanwhile is still caught. The kill goes
     * through ProcessHandle, which checks the pid's start time, so a reused pid is never hit.
     */
    private void signalOrphan(String id, Map<String, List<Integer>> signalled, AtomicInteger busy) {
        long self = ProcessHandle.current().pid();
        boolean ok = repair.reapOrphan(id, () -> {
            if (!driver.exists(id)) {
                return;   // deleted meanwhile, through the API: nothing to reap, nothing to count
            }
            List<Integer> pids = driver.processes(id).stream().map(BoxProcess::pid).toList();
            for (int pid : pids) {
                if (pid != self) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            signalled.put(id, pids);
        });
        if (!ok) {
            busy.incrementAndGet();
        }
    }

    /** Second half of reaping: under the id's lock and with still no claiming record, kill and remove. */
    private void removeOrphan(String id, List<Integer> pids, String mark, List<ReconcileReport.Orphan> orphans,
                              AtomicInteger reaped, AtomicInteger busy) {
        boolean done = repair.reapOrphan(id, () -> {
            driver.kill(id);
            // On cgroupfs a watch outlives the rmdir, pinning the inode.
            watcher.unwatch(id);
            driver.remove(id);
        });
        if (done) {
            reaped.incrementAndGet();
            orphans.add(new ReconcileReport.Orphan(driver.cgroupPath(id), pids, "reaped", mark));
        } else {
            busy.incrementAndGet();
        }
    }
}
