package io.boxd.reconcile;

import io.boxd.box.BoxRepair;
import io.boxd.box.BoxRepair.Outcome;
import io.boxd.box.BoxRules;
import io.boxd.box.BoxState;
import io.boxd.box.ExitWatcher;
import io.boxd.driver.BoxDriver;
import io.boxd.driver.BoxProcess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 */
@Service
public class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final BoxDriver driver;
    private final BoxRepair repair;
    private final ExitWatcher watcher;
    private final ReconcileProperties props;
    private final ReconcileLog history;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private final AtomicReference<ReconcileReport> last = new AtomicReference<>();

    Reconciler(BoxDriver driver, BoxRepair repair, ExitWatcher watcher, ReconcileProperties props, ReconcileLog history) {
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
            ReconcileReport r = pass(trigger);
            last.set(r);
            history.save(r);
            if (r.orphansReaped() + r.orphansAdopted() + r.orphansReported() + r.lost() + r.repaired() > 0) {
                log.info("reconcile ({}): reaped {} adopted {} reported {} lost {} repaired {} busy {} in {} ms", trigger,
                        r.orphansReaped(), r.orphansAdopted(), r.orphansReported(), r.lost(), r.repaired(), r.busy(), r.durationMillis());
            }
            return r;
        } finally {
            oneAtATime.unlock();
        }
    }

    private ReconcileReport pass(String trigger) {
        long t0 = System.nanoTime();
        Instant startedAt = Instant.now();
        Map<String, BoxState> claims = repair.claims();
        Set<String> dirs = new HashSet<>(driver.listBoxes());

        AtomicInteger lost = new AtomicInteger();
        AtomicInteger repaired = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        List<ReconcileReport.Orphan> orphans = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger reaped = new AtomicInteger();
        AtomicInteger adopted = new AtomicInteger();
        AtomicInteger reported = new AtomicInteger();

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
            for (String id : claims.keySet()) {
                work.add(pool.submit(() -> {
                    Outcome o = repair.repair(id);
                    switch (o) {
                        case LOST -> lost.incrementAndGet();
                        case BUSY -> busy.incrementAndGet();
                        case NONE, ADOPTED -> { }
                        default -> repaired.incrementAndGet();
                    }
                    if (o != Outcome.BUSY && driver.exists(id)) {
                        watcher.watchAndCheck(id);
                    }
                }));
            }
            for (String id : orphanIds) {
                work.add(pool.submit(() -> orphan(id, orphans, reaped, adopted, reported, busy)));
            }
            for (Future<?> f : work) {
                try {
                    f.get();
                } catch (Exception e) {
                    log.warn("reconcile step failed: {}", e.getMessage());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new ReconcileReport(reaped.get(), adopted.get(), lost.get(), repaired.get(), ms, reported.get(), busy.get(),
                trigger, startedAt, List.copyOf(orphans));
    }

    private void orphan(String id, List<ReconcileReport.Orphan> orphans, AtomicInteger reaped, AtomicInteger adopted,
                        AtomicInteger reported, AtomicInteger busy) {
        String path = driver.cgroupPath(id);
        List<Integer> pids = driver.processes(id).stream().map(BoxProcess::pid).toList();
        ReconcileProperties.OrphanPolicy policy = props.orphans();
        if (policy == ReconcileProperties.OrphanPolicy.ADOPT && BoxRules.ID.matcher(id).matches()) {
            Outcome o = repair.adoptOrphan(id, "orphan cgroup " + path + " with pids " + pids);
            if (o == Outcome.ADOPTED) {
                adopted.incrementAndGet();
                watcher.watchAndCheck(id);
                orphans.add(new ReconcileReport.Orphan(path, pids, "adopted"));
            } else if (o == Outcome.BUSY) {
                busy.incrementAndGet();
            }
            return;
        }
        if (policy == ReconcileProperties.OrphanPolicy.REAP) {
            // A create in flight holds the id's lock from before its mkdir: never reap under it.
            boolean done = repair.reapOrphan(id, () -> {
                driver.kill(id);
                driver.remove(id);
            });
            if (done) {
                reaped.incrementAndGet();
                orphans.add(new ReconcileReport.Orphan(path, pids, "reaped"));
            } else {
                busy.incrementAndGet();
            }
            return;
        }
        reported.incrementAndGet();
        orphans.add(new ReconcileReport.Orphan(path, pids, "reported"));
    }
}
