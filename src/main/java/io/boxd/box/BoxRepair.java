package io.boxd.box;

import io.boxd.driver.BoxDriver;
import io.boxd.driver.BoxProcess;
import io.boxd.limits.Limits;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes one record agree with the kernel. Reconciliation calls these; each takes the box's lock
 * only if it is free (a request in flight wins, and the next pass looks again) and re-reads both
 * sides under it.
 */
@Component
public class BoxRepair {

    /** What a repair did. */
    /** {@code ID_TAKEN}: an orphan whose id a REMOVED or LOST record holds, so it cannot be adopted under it. */
    public enum Outcome { NONE, BUSY, LOST, EXITED, RUNNING, ROLLED_BACK, FINISHED_REMOVE, ENFORCED_SYNCED, ADOPTED, ID_TAKEN }

    private final BoxRepository boxes;
    private final BoxHistory history;
    private final BoxDriver driver;
    private final BoxLocks locks;
    private final BoxService service;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final ExitWatcher watcher;
    private final OwnerMark owner;

    BoxRepair(BoxRepository boxes, BoxHistory history, BoxDriver driver, BoxLocks locks, BoxService service, TransactionTemplate tx,
              JdbcClient jdbc, ExitWatcher watcher, OwnerMark owner) {
        this.owner = owner;
        this.jdbc = jdbc;
        this.watcher = watcher;
        this.boxes = boxes;
        this.history = history;
        this.driver = driver;
        this.locks = locks;
        this.service = service;
        this.tx = tx;
    }

    /** Ids and states of every record that claims a cgroup or an unfinished step. */
    public Map<String, BoxState> claims() {
        Map<String, BoxState> out = new java.util.HashMap<>();
        jdbc.sql("SELECT id, state FROM box WHERE state NOT IN ('REMOVED', 'LOST')")
                .query((rs, n) -> out.put(rs.getString(1), BoxState.valueOf(rs.getString(2))))
                .list();
        return out;
    }

    /** Brings one record in line with the kernel, including the enforced limits. */
    public Outcome repair(String id) {
        return repair(id, null);
    }

    /**
     * Like {@link #repair(String)}, but when the record's state ({@code claimed}) already agrees
     * with the kernel's two cheapest facts (the cgroup exists; it is populated exactly when the
     * box is RUNNING), it touches neither the lock nor the database. Periodic passes use this:
     * inotify already follows exits, so they only catch what slipped past it.
     */
    public Outcome repair(String id, BoxState claimed) {
        if (claimed != null && claimed.live() && watcher.watching(id) && driver.exists(id)
                && driver.populated(id) == (claimed == BoxState.RUNNING)) {
            return Outcome.NONE;
        }
        Outcome[] out = {Outcome.NONE};
        boolean ran = locks.tryWith(id, () -> out[0] = repairLocked(id));
        return ran ? out[0] : Outcome.BUSY;
    }

    private Outcome repairLocked(String id) {
        BoxRecord rec = boxes.findById(id).orElse(null);
        if (rec == null) {
            return Outcome.NONE;
        }
        boolean exists = driver.exists(id);
        switch (rec.state) {
            case CREATING -> {
                // The client never got its 201: roll back, as a failed create would have.
                watcher.unwatch(id);
                if (exists) {
                    driver.kill(id);
                    driver.remove(id);
                }
                tx.executeWithoutResult(s -> {
                    history.deleteAll(id);
                    boxes.deleteById(id);
                });
                return Outcome.ROLLED_BACK;
            }
            case REMOVING -> {
                service.removeNow(rec, true);
                return Outcome.FINISHED_REMOVE;
            }
            case REMOVED, LOST -> {
                return Outcome.NONE;
            }
            default -> {
                // live states
            }
        }
        if (!exists) {
            service.markLost(rec);   // removed behind boxd's back
            return Outcome.LOST;
        }
        // Under the lock: a delete unwatches, then removes, under it, and a watch made in
        // between would outlive the box.
        watcher.watchAndCheck(id);
        boolean populated = driver.populated(id);
        if (rec.state == BoxState.RUNNING && !populated) {
            service.noteCounters(id, driver.counters(id));
            save(boxes.findById(id).orElseThrow(), BoxState.EXITED, "exited", "no process is left in the box");
            return Outcome.EXITED;
        }
        if ((rec.state == BoxState.CREATED || rec.state == BoxState.EXITED || rec.state == BoxState.STOPPED) && populated) {
            // Named, since no process-started event may say where they came from (a spawn cut
            // off by boxd's own crash, an adopt from outside).
            List<BoxProcess> found = driver.processes(id);
            save(rec, BoxState.RUNNING, "running", "processes found in the box: " + found.size() + " ("
                    + found.stream().map(p -> "pid " + p.pid() + " " + p.command()).collect(Collectors.joining(", ")) + ")");
            return Outcome.RUNNING;
        }
        Optional<String> drift = rec.enforcedNow(driver.readEnforced(id));
        drift.ifPresent(detail -> save(rec, rec.state, "enforced-changed", detail));
        return drift.isPresent() ? Outcome.ENFORCED_SYNCED : Outcome.NONE;
    }

    /**
     * A record whose cgroup now carries another database's mark {@code other}: this record's own
     * box is gone, and another boxd made a box under the same id since (after a reboot, say). The
     * record becomes LOST and the cgroup, the other boxd's box, is not touched; repairing it as
     * this record's box would roll back, finish a delete of, or adopt the other one's box.
     */
    public Outcome lostToAnother(String id, String other) {
        Outcome[] out = {Outcome.NONE};
        boolean ran = locks.tryWith(id, () -> {
            BoxRecord rec = boxes.findById(id).orElse(null);
            if (rec == null || rec.state == BoxState.REMOVED || rec.state == BoxState.LOST
                    || !driver.markOf(id).filter(other::equals).isPresent()) {
                return;
            }
            service.markLost(rec, "cgroup " + rec.cgroupPath + " now holds a box of another boxd database (" + other
                    + "): this record's box is gone; the record is kept, the cgroup is left alone");
            out[0] = Outcome.LOST;
        });
        return ran ? out[0] : Outcome.BUSY;
    }

    /** Creates a record for an orphan cgroup, with the limits the kernel enforces as its limits. */
    public Outcome adoptOrphan(String id, String detail) {
        Outcome[] out = {Outcome.BUSY};
        locks.tryWith(id, () -> {
            if (!driver.exists(id)) {
                out[0] = Outcome.NONE;
                return;
            }
            BoxState held = stateOf(id);
            if (held != null) {
                // A finished record keeps its id forever; a live or transitional one claims the cgroup.
                out[0] = held.live() || held.transitional() ? Outcome.NONE : Outcome.ID_TAKEN;
                return;
            }
            Limits enforced = driver.readEnforced(id);
            BoxRecord rec = new BoxRecord();
            rec.id = id;
            rec.state = driver.populated(id) ? BoxState.RUNNING : BoxState.CREATED;
            rec.driver = driver.name();
            rec.cgroupPath = driver.cgroupPath(id);
            rec.limits = enforced;
            rec.enforced = enforced;
            rec.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            rec.updatedAt = rec.createdAt;
            rec.labelMap(Map.of("boxd.io/adopted", "true"));
            tx.executeWithoutResult(s -> {
                boxes.save(rec);
                history.add(BoxEvent.of(id, "adopted-orphan", detail));
            });
            owner.mark(id);
            watcher.watchAndCheck(id);
            out[0] = Outcome.ADOPTED;
        });
        return out[0];
    }

    /**
     * Runs {@code reap} for an orphan cgroup if its id is free and still has no claiming record;
     * false when a request holds the id (a create in flight makes its record before its mkdir).
     * A reap that removes the cgroup must also {@link ExitWatcher#unwatch} it.
     */
    public boolean reapOrphan(String id, Runnable reap) {
        boolean[] done = {false};
        boolean ran = locks.tryWith(id, () -> {
            BoxState state = stateOf(id);
            if (state != null && (state.live() || state.transitional())) {
                return;
            }
            reap.run();
            done[0] = true;
        });
        return ran && done[0];
    }

    /**
     * The state of {@code id}'s record, or null when there is none: one indexed read of one column.
     * Reaping 10,000 orphans asks this twice each, so it avoids loading the aggregate (and the
     * exception Spring Data builds for a missing row).
     */
    private BoxState stateOf(String id) {
        return jdbc.sql("SELECT state FROM box WHERE id = ?").param(id).query(String.class).optional()
                .map(BoxState::valueOf).orElse(null);
    }

    private void save(BoxRecord rec, BoxState state, String type, String detail) {
        rec.state(state);
        tx.executeWithoutResult(s -> {
            boxes.save(rec);
            history.add(BoxEvent.of(rec.id, type, detail));
        });
    }
}
