package io.boxd.cgroup;

import io.boxd.driver.BoxDriver;
import io.boxd.driver.NotAdoptableException;
import io.boxd.driver.Adoption;
import io.boxd.driver.BoxProcess;
import io.boxd.driver.BoxStats;
import io.boxd.driver.CgroupExistsException;
import io.boxd.driver.DriverException;
import io.boxd.driver.Enforcement;
import io.boxd.driver.HostInfo;
import io.boxd.driver.LimitNotEnforceableException;
import io.boxd.driver.LimitNotEnforceableException.Missing;
import io.boxd.driver.NoSuchCgroupException;
import io.boxd.driver.NoSuchProcessException;
import io.boxd.driver.Placement;
import io.boxd.driver.SpawnSpec;
import io.boxd.driver.SpawnedProcess;
import io.boxd.limits.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroupfs driver: boxes are {@code <mount>/<base>/<id>}, written directly. Decisions come
 * from {@link LimitPlan} and {@link ControllerPlan}; all cgroupfs I/O goes through
 * {@link CgroupFs}.
 */
public class CgroupfsDriver implements BoxDriver {

    private static final Logger log = LoggerFactory.getLogger(CgroupfsDriver.class);
    private final CgroupFs fs;
    private final CgroupProperties props;
    private final Enforcement enforcement;
    private final String reason;
    private final Procs procs;
    private final CgroupTree tree;
    private final Spawner spawner;
    private boolean hasKill;

    /** {@code dataDir}: boxd's data directory, where the native spawn server is copied to run. */
    public CgroupfsDriver(CgroupFs fs, CgroupProperties props, Enforcement enforcement, String reason, Path dataDir) {
        this.fs = fs;
        this.props = props;
        this.enforcement = enforcement;
        this.reason = reason;
        this.procs = new Procs(Path.of("/proc"));
        this.tree = new CgroupTree(fs, procs);
        this.spawner = new Spawner(procs, props.attachTimeout(), props.spawnServer(),
                props.nativeSpawnServer() ? dataDir : null);
        log.info("cgroupfs driver: processes start through the {}", spawner.launcher());
        mkdirs(props.base());
        this.hasKill = fs.fileExists(props.base(), "cgroup.kill");
    }

    Spawner spawner() {
        return spawner;
    }

    /** Stops the spawn server; box processes live on. Spring calls this at shutdown. */
    public void close() {
        spawner.close();
    }

    private void mkdirs(String rel) {
        StringBuilder prefix = new StringBuilder();
        for (String part : rel.split("/")) {
            prefix.append(prefix.isEmpty() ? "" : "/").append(part);
            fs.mkdir(prefix.toString());
        }
    }

    /** The user xattr ({@code user.boxd.owner}) that carries the owner mark. */
    public static final String OWNER_XATTR = "boxd.owner";

    @Override
    public String name() {
        return "cgroupfs";
    }

    private String rel(String boxId) {
        return props.base() + "/" + boxId;
    }

    @Override
    public String cgroupPath(String boxId) {
        return fs.resolve(rel(boxId)).toString();
    }

    @Override
    public String basePath() {
        return fs.resolve(props.base()).toString();
    }

    @Override
    public HostInfo host() {
        Set<String> available = fs.read("", "cgroup.controllers").map(KernelText::controllers).orElse(Set.of());
        Set<String> forBoxes = fs.read(props.base(), "cgroup.subtree_control").map(KernelText::controllers).orElse(Set.of());
        return new HostInfo(name(), reason, fs.root().toString(), props.base(), List.copyOf(available),
                List.copyOf(forBoxes), hasKill(), enforcement.wire(), null);
    }

    /** {@code cgroup.kill} is in every non-root cgroup on kernels ≥ 5.14. */
    boolean hasKill() {
        return hasKill;
    }

    /** Behave as on kernels before 5.14, which have no {@code cgroup.kill}. */
    void withoutCgroupKill() {
        hasKill = false;
    }

    // ---- create and limits -------------------------------------------------------------

    @Override
    public Placement create(String boxId, Limits limits) {
        List<LimitPlan.Write> writes = LimitPlan.writes(limits);
        Controllers ctl = enableControllers(LimitPlan.controllers(writes));
        List<Missing> missing = missing(writes, ctl.missingAt());
        if (enforcement == Enforcement.STRICT && !missing.isEmpty()) {
            throw new LimitNotEnforceableException(missing);
        }
        String rel = rel(boxId);
        if (!fs.mkdir(rel)) {
            throw new CgroupExistsException(fs.resolve(rel).toString());
        }
        try {
            Limits enforced = write(rel, writes, ctl);
            return new Placement(fs.resolve(rel).toString(), enforced);
        } catch (RuntimeException e) {
            removeQuietly(boxId, e);
            throw e;
        }
    }

    @Override
    public Limits applyLimits(String boxId, Limits limits) {
        List<LimitPlan.Write> writes = LimitPlan.writes(limits);
        Controllers ctl = enableControllers(LimitPlan.controllers(writes));
        List<Missing> missing = missing(writes, ctl.missingAt());
        if (enforcement == Enforcement.STRICT && !missing.isEmpty()) {
            throw new LimitNotEnforceableException(missing);
        }
        requireBox(boxId);
        String rel = rel(boxId);
        if (enforcement == Enforcement.STRICT) {
            // A live box keeps what a refused change wrote, so refuse before the first write: a
            // file the kernel does not offer here (memory.swap.max without swap accounting) would
            // otherwise fail after memory.max had already changed, behind the record's back.
            List<Missing> absent = new ArrayList<>();
            for (LimitPlan.Write w : writes) {
                if (!w.unlimited() && !fs.fileExists(rel, w.file())) {
                    absent.add(noSuchFile(rel, w));
                }
            }
            if (!absent.isEmpty()) {
                throw new LimitNotEnforceableException(absent);
            }
        }
        return write(rel, writes, ctl);
    }

    @Override
    public Limits readEnforced(String boxId) {
        return readEnforcedRel(rel(boxId), LimitPlan.FILES);
    }

    @Override
    public boolean isLimitFile(String fileName) {
        return LimitPlan.FILES.contains(fileName);
    }

    private Limits readEnforcedRel(String rel, List<String> files) {
        Map<String, String> contents = new LinkedHashMap<>();
        for (String file : files) {
            fs.read(rel, file).ifPresent(text -> contents.put(file, text));
        }
        return LimitPlan.enforced(contents);
    }

    private List<Missing> missing(List<LimitPlan.Write> writes, Map<String, String> missingAt) {
        List<Missing> out = new ArrayList<>();
        for (LimitPlan.Write w : writes) {
            String where = missingAt.get(w.controller());
            if (where != null && !w.unlimited()) {
                out.add(new Missing(w.field(), w.controller(), where,
                        "enable '" + w.controller() + "' in the parent's cgroup.subtree_control (delegate it to "
                                + basePath() + "), or run with boxd.enforcement=best-effort"));
            }
        }
        return out;
    }

    private Missing noSuchFile(String rel, LimitPlan.Write w) {
        return new Missing(w.field(), w.controller(), fs.resolve(rel).resolve(w.file()) + " (no such file)",
                "this kernel does not offer " + w.file() + " here");
    }

    /**
     * Writes the limits, then reads every file back that the box's controllers give it (the
     * others cannot exist there). In strict mode a planned file that will not take its value
     * fails the call; in best-effort mode it is skipped and the read-back tells.
     */
    private Limits write(String rel, List<LimitPlan.Write> writes, Controllers ctl) {
        List<Missing> failed = new ArrayList<>();
        for (LimitPlan.Write w : writes) {
            if (ctl.missingAt().containsKey(w.controller())) {
                continue;
            }
            try {
                fs.write(rel, w.file(), w.value());
            } catch (CgroupWriteException e) {
                if (!fs.fileExists(rel, w.file())) {
                    if (w.unlimited()) {
                        continue;
                    }
                    failed.add(noSuchFile(rel, w));
                } else if (enforcement == Enforcement.STRICT) {
                    throw e;
                }
                log.warn("best-effort: {}", e.getMessage());
            }
        }
        if (enforcement == Enforcement.STRICT && !failed.isEmpty()) {
            throw new LimitNotEnforceableException(failed);
        }
        return readEnforcedRel(rel, LimitPlan.files(ctl.forBoxes()));
    }

    /**
     * What {@link #enableControllers} leaves: the controllers a box under the base gets, and for
     * each wanted controller that it will not get, the level where it went missing and why.
     */
    record Controllers(Set<String> forBoxes, Map<String, String> missingAt) {
    }

    /** Enables {@code wanted ∪ configured} at every level from the mount down to the base, each time only what that level has. */
    Controllers enableControllers(Set<String> wanted) {
        Set<String> want = new LinkedHashSet<>(props.controllers());
        want.addAll(wanted);
        Map<String, String> missingAt = new LinkedHashMap<>();
        List<String> levels = new ArrayList<>();
        levels.add("");
        StringBuilder prefix = new StringBuilder();
        for (String part : props.base().split("/")) {
            prefix.append(prefix.isEmpty() ? "" : "/").append(part);
            levels.add(prefix.toString());
        }
        Set<String> still = new LinkedHashSet<>(want);
        Set<String> forBoxes = Set.of();
        for (String level : levels) {
            Set<String> available = fs.read(level, "cgroup.controllers").map(KernelText::controllers).orElse(Set.of());
            Set<String> enabled = fs.read(level, "cgroup.subtree_control").map(KernelText::controllers).orElse(Set.of());
            for (String c : List.copyOf(still)) {
                if (!available.contains(c)) {
                    still.remove(c);
                    missingAt.put(c, fs.resolve(level) + " (its cgroup.controllers is \"" + String.join(" ", available) + "\")");
                }
            }
            String line = ControllerPlan.enableLine(still, available, enabled);
            if (line != null) {
                enable(level, line, still, available, enabled, missingAt);
            }
            forBoxes = ControllerPlan.union(enabled, still);
        }
        missingAt.keySet().retainAll(wanted);
        return new Controllers(forBoxes, missingAt);
    }

    /** Writes {@code line}; when the kernel refuses it, enables one by one to learn which controller spoils it. */
    private void enable(String level, String line, Set<String> still, Set<String> available, Set<String> enabled,
                        Map<String, String> missingAt) {
        try {
            fs.write(level, "cgroup.subtree_control", line);
        } catch (CgroupWriteException all) {
            for (String c : ControllerPlan.intersect(still, available)) {
                if (enabled.contains(c)) {
                    continue;
                }
                try {
                    fs.write(level, "cgroup.subtree_control", "+" + c);
                } catch (CgroupWriteException one) {
                    still.remove(c);
                    missingAt.put(c, fs.resolve(level) + " (enabling it in cgroup.subtree_control failed: " + one.reason() + ")");
                }
            }
        }
    }

    // ---- processes ---------------------------------------------------------------------

    @Override
    public SpawnedProcess spawn(String boxId, SpawnSpec spec) {
        String rel = requireBox(boxId);
        return spawner.spawn(boxId, fs.resolve(rel + "/cgroup.procs"), "/" + rel, spec, () -> PidsRoom.require(fs, rel));
    }

    @Override
    public boolean adopt(String boxId, int pid) {
        String rel = requireBox(boxId);
        if (procs.requireAdoptable(pid, "/" + rel, spawner.serverPids()).in("/" + rel)) {
            return false;
        }
        try {
            fs.write(rel, "cgroup.procs", Integer.toString(pid));
        } catch (CgroupWriteException e) {
            if (!procs.alive(pid)) {
                throw new NoSuchProcessException(pid);
            }
            throw e;
        }
        Optional<String> now = procs.cgroupOf(pid);
        if (now.isEmpty()) {
            throw new NoSuchProcessException(pid);
        }
        if (!now.get().equals("/" + rel)) {
            if (procs.liveTask(pid).filter(t -> t != pid).isPresent()) {
                // Its main thread exited between the check and the write, and stayed where it was: put
                // the threads that moved back with it, where a kill of their own cgroup still reaches them.
                try {
                    fs.write(now.get().substring(1), "cgroup.procs", Integer.toString(pid));
                } catch (RuntimeException e) {
                    log.warn("pid {}'s threads moved into box {} without its exited main thread, and could not be moved back: {}",
                            pid, boxId, e.getMessage());
                }
                throw new NotAdoptableException(Adoption.mainThreadExited(pid));
            }
            throw new DriverException("pid " + pid + " is in " + now.get() + " after the write to "
                    + fs.resolve(rel + "/cgroup.procs") + ", not /" + rel);
        }
        return true;
    }

    @Override
    public List<BoxProcess> processes(String boxId) {
        List<BoxProcess> out = new ArrayList<>();
        for (int pid : tree.pids(rel(boxId))) {
            procs.command(pid).ifPresent(cmd -> out.add(new BoxProcess(pid, cmd)));
        }
        return out;
    }

    /**
     * The box's processes, each with its start time (a reused pid is not one of them); none when
     * the kernel says the box is empty, whatever its record says.
     */
    @Override
    public Set<ProcessHandle> beforeStart(String boxId) {
        String rel = rel(boxId);
        if (!tree.populated(rel)) {
            return Set.of();
        }
        Set<ProcessHandle> out = new HashSet<>();
        tree.pids(rel).forEach(p -> ProcessHandle.of(p).ifPresent(out::add));
        return out;
    }

    @Override
    public boolean populated(String boxId) {
        return tree.populated(rel(boxId));
    }

    @Override
    public boolean exists(String boxId) {
        return fs.exists(rel(boxId));
    }

    // ---- kill, stop, remove ------------------------------------------------------------

    @Override
    public boolean kill(String boxId) {
        String rel = rel(boxId);
        if (!fs.exists(rel)) {
            return false;
        }
        tree.kill(rel, hasKill(), props.killTimeout());
        return true;
    }

    /**
     * An empty box is emptied. Otherwise the box's processes since {@code before} are killed,
     * again until none is left (one may fork while it is killed), except forks of what ran before
     * and their orphans, which stay in those processes' sessions. The start's own processes are
     * in its session, or in a new one (a daemon calls setsid).
     */
    @Override
    public void undoStart(String boxId, int pid, Set<ProcessHandle> before) {
        if (before.isEmpty()) {
            kill(boxId);
            return;
        }
        String rel = rel(boxId);
        Set<Integer> sessions = new HashSet<>();
        before.forEach(h -> procs.session((int) h.pid()).ifPresent(sessions::add));
        long deadline = System.nanoTime() + props.killTimeout().toNanos();
        long sleep = 200;
        while (true) {
            List<Integer> started = new ArrayList<>();
            for (int p : tree.pids(rel)) {
                Optional<ProcessHandle> h = ProcessHandle.of(p).filter(ph -> !before.contains(ph) && !descendsFromAny(ph, before));
                if (h.isPresent() && procs.session(p).stream().anyMatch(s -> !sessions.contains(s))) {
                    started.add(p);
                }
            }
            if (started.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DriverException("processes of an unrecorded start still in " + fs.resolve(rel) + " "
                        + props.killTimeout().toMillis() + " ms after the first SIGKILL: " + started);
            }
            started.forEach(p -> procs.signal(p, true));
            Spawner.sleepMicros(sleep);
            sleep = Math.min(sleep * 2, 5_000);
        }
    }

    private static boolean descendsFromAny(ProcessHandle h, Set<ProcessHandle> ancestors) {
        Optional<ProcessHandle> p = h.parent();
        for (int depth = 0; p.isPresent() && depth < 4096; depth++) {
            if (ancestors.contains(p.get())) {
                return true;
            }
            p = p.get().parent();
        }
        return false;
    }

    @Override
    public int terminate(String boxId) {
        String rel = rel(boxId);
        return fs.exists(rel) ? tree.signal(rel, false) : 0;
    }

    @Override
    public boolean awaitEmpty(String boxId, Duration timeout) {
        return tree.awaitEmpty(rel(boxId), timeout);
    }

    @Override
    public void remove(String boxId) {
        removeTree(rel(boxId), System.nanoTime() + props.removeTimeout().toNanos());
    }

    /** Children first, then the cgroup itself; EBUSY waits for {@code populated 0} and retries with backoff. */
    private void removeTree(String rel, long deadline) {
        long sleep = 100;
        while (true) {
            for (String child : tree.children(rel)) {
                removeTree(rel + "/" + child, deadline);
            }
            CgroupFs.Removal r = fs.rmdir(rel);
            if (r.gone()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DriverException("rmdir " + fs.resolve(rel) + ": " + r.reason() + ", still after "
                        + props.removeTimeout().toMillis() + " ms (populated=" + tree.populated(rel) + ")");
            }
            if (r.outcome() == CgroupFs.Removal.Outcome.BUSY) {
                tree.awaitEmpty(rel, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            Spawner.sleepMicros(sleep);
            sleep = Math.min(sleep * 2, 50_000);
        }
    }

    private void removeQuietly(String boxId, RuntimeException cause) {
        try {
            remove(boxId);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    // ---- stats and listing -------------------------------------------------------------

    @Override
    public BoxStats stats(String boxId) {
        return StatsReader.all(fs, requireBox(boxId));
    }

    @Override
    public BoxStats counters(String boxId) {
        return StatsReader.counters(fs, requireBox(boxId));
    }

    @Override
    public void mark(String boxId, String owner) {
        fs.setXattr(rel(boxId), OWNER_XATTR, owner);   // ENOENT is NoSuchCgroupException there
    }

    @Override
    public Optional<String> markOf(String boxId) {
        return fs.xattr(rel(boxId), OWNER_XATTR);
    }

    @Override
    public List<String> listBoxes() {
        return fs.children(props.base());
    }

    private String requireBox(String boxId) {
        String rel = rel(boxId);
        if (!fs.exists(rel)) {
            throw new NoSuchCgroupException("cgroup " + fs.resolve(rel) + " does not exist");
        }
        return rel;
    }
}
