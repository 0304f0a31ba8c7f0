package io.boxd.systemd;

import io.boxd.cgroup.CgroupFs;
import io.boxd.cgroup.CgroupTree;
import io.boxd.cgroup.CgroupfsDriver;
import io.boxd.cgroup.KernelText;
import io.boxd.cgroup.LimitPlan;
import io.boxd.cgroup.PidsRoom;
import io.boxd.cgroup.Procs;
import io.boxd.cgroup.StatsReader;
import io.boxd.driver.BoxDriver;
import io.boxd.driver.BoxProcess;
import io.boxd.driver.BoxStats;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The systemd driver: systemd places and limits every box, asked over D-Bus, so its limits are
 * unit properties that survive {@code daemon-reload}, and a rootless boxd works inside its user
 * manager's delegated tree. A box is a transient slice ({@link UnitNames}); every spawned or
 * adopted process gets its own scope in that slice. boxd only reads the cgroup files systemd
 * made (read-back, stats, populated) and writes {@code cgroup.kill}, which changes no setting.
 */
public class SystemdDriver implements BoxDriver {

    private static final Logger log = LoggerFactory.getLogger(SystemdDriver.class);

    private final SystemdBus bus;
    private final CgroupFs fs;
    private final UnitNames names;
    private final Enforcement enforcement;
    private final String reason;
    private final Duration killTimeout;
    private final Procs procs;
    private final CgroupTree tree;
    private final SystemdSpawner spawner;
    /** box id → its slice's cgroup, relative to the mount. */
    private final ConcurrentMap<String, String> cgroups = new ConcurrentHashMap<>();
    /** Creates share it; retiring the empty base slice takes it alone, so it never races a create. */
    private final ReentrantReadWriteLock baseLock = new ReentrantReadWriteLock();
    private volatile String managerRoot;

    SystemdDriver(SystemdBus bus, CgroupFs fs, String slicePrefix, Enforcement enforcement, String reason, Duration killTimeout) {
        this.bus = bus;
        this.fs = fs;
        this.names = new UnitNames(slicePrefix);
        this.enforcement = enforcement;
        this.reason = reason;
        this.killTimeout = killTimeout;
        this.procs = new Procs(java.nio.file.Path.of("/proc"));
        this.tree = new CgroupTree(fs, procs);
        this.spawner = new SystemdSpawner(procs);
    }

    @Override
    public String name() {
        return "systemd";
    }

    /** The box's slice unit, e.g. {@code boxlite-web\x2d1.slice}. */
    @Override
    public String unitName(String boxId) {
        return names.boxSlice(boxId);
    }

    /** The slice every box lives under, e.g. {@code boxlite.slice}. */
    public String baseSlice() {
        return names.baseSlice();
    }

    @Override
    public HostInfo host() {
        String root = managerRoot();
        Set<String> available = controllers(root, "cgroup.controllers");
        String base = baseRel();
        Set<String> forBoxes = fs.exists(base) ? controllers(base, "cgroup.subtree_control") : Set.of();
        boolean kill = fs.fileExists(join(root, "init.scope"), "cgroup.kill");
        return new HostInfo(name(), reason + "; units go to " + bus.location().description() + " under "
                + names.baseSlice(), fs.root().toString(), names.baseSlice(), List.copyOf(available), List.copyOf(forBoxes),
                kill, enforcement.wire(), names.baseSlice());
    }

    // ---- create and limits -------------------------------------------------------------

    @Override
    public Placement create(String boxId, Limits limits) {
        String unit = names.boxSlice(boxId);
        refuseUnavailable(limits);
        baseLock.readLock().lock();
        try {
            bus.startTransientUnit(unit, UnitPlan.boxSlice(boxId, limits));
        } catch (SystemdCallException e) {
            if (!SystemdBus.UNIT_EXISTS.equals(e.errorName())) {
                // a failed start job leaves a failed unit behind; an existing unit is someone else's
                removeQuietly(boxId, e);
            }
            throw e;
        } finally {
            baseLock.readLock().unlock();
        }
        try {
            String rel = lookup(boxId).orElseThrow(() -> new DriverException("systemd started " + unit + " but reports no cgroup for it"));
            Limits enforced = readBack(rel, limits);
            return new Placement(fs.resolve(rel).toString(), enforced);
        } catch (RuntimeException e) {
            removeQuietly(boxId, e);
            throw e;
        }
    }

    private void removeQuietly(String boxId, RuntimeException cause) {
        try {
            remove(boxId);
        } catch (RuntimeException cleanup) {
            cause.addSuppressed(cleanup);
        }
    }

    @Override
    public Limits applyLimits(String boxId, Limits limits) {
        refuseUnavailable(limits);
        String rel = requireBox(boxId);
        List<UnitProperty> props = UnitPlan.limits(limits);
        if (!props.isEmpty()) {
            bus.setUnitProperties(names.boxSlice(boxId), props);
        }
        return readBack(rel, limits);
    }

    @Override
    public Limits readEnforced(String boxId) {
        return LimitPlan.enforced(limitFiles(requireBox(boxId)));
    }

    @Override
    public boolean isLimitFile(String fileName) {
        return LimitPlan.FILES.contains(fileName);
    }

    /** Strict mode: a limit whose controller the manager cannot use fails before any unit exists. */
    private void refuseUnavailable(Limits limits) {
        if (enforcement != Enforcement.STRICT) {
            return;
        }
        String root = managerRoot();
        List<Missing> missing = UnitPlan.unavailable(limits, controllers(root, "cgroup.controllers"), fs.resolve(root).toString(),
                bus.location());
        if (!missing.isEmpty()) {
            throw new LimitNotEnforceableException(missing);
        }
    }

    /** Reads every limit file back; in strict mode a requested limit without its file is an error. */
    private Limits readBack(String rel, Limits requested) {
        Map<String, String> files = limitFiles(rel);
        if (enforcement == Enforcement.STRICT) {
            List<Missing> missing = UnitPlan.notApplied(requested, files, fs.resolve(rel).toString(), bus.location());
            if (!missing.isEmpty()) {
                throw new LimitNotEnforceableException(missing);
            }
        }
        return LimitPlan.enforced(files);
    }

    private Map<String, String> limitFiles(String rel) {
        Map<String, String> contents = new LinkedHashMap<>();
        for (String file : LimitPlan.FILES) {
            fs.read(rel, file).ifPresent(text -> contents.put(file, text));
        }
        return contents;
    }

    // ---- processes ---------------------------------------------------------------------

    @Override
    public SpawnedProcess spawn(String boxId, SpawnSpec spec) {
        String rel = requireBox(boxId);
        return spawner.spawn(boxId, spec, pid -> placeInScope(boxId, pid), "/" + rel, where -> PidsRoom.require(fs, where.substring(1)));
    }

    @Override
    public boolean adopt(String boxId, int pid) {
        String rel = requireBox(boxId);
        if (procs.requireAdoptable(pid, "/" + rel).in("/" + rel)) {
            return false;   // a second scope would only move it from one of the box's scopes to another
        }
        try {
            placeInScope(boxId, pid);
        } catch (DriverException e) {
            if (!procs.alive(pid)) {
                throw new NoSuchProcessException(pid);
            }
            throw e;
        }
        Optional<String> now = procs.cgroupOf(pid);
        if (now.isEmpty()) {
            throw new NoSuchProcessException(pid);
        }
        if (!now.get().startsWith("/" + rel + "/")) {
            throw new DriverException("pid " + pid + " is in " + now.get() + " after systemd started its scope, not under /" + rel);
        }
        return true;
    }

    private void placeInScope(String boxId, int pid) {
        baseLock.readLock().lock();
        try {
            bus.startTransientUnit(names.processScope(boxId, pid), UnitPlan.processScope(boxId, names.boxSlice(boxId), pid));
        } finally {
            baseLock.readLock().unlock();
        }
    }

    @Override
    public List<BoxProcess> processes(String boxId) {
        List<BoxProcess> out = new ArrayList<>();
        for (int pid : relIfExists(boxId).map(tree::pids).orElse(List.of())) {
            procs.command(pid).ifPresent(cmd -> out.add(new BoxProcess(pid, cmd)));
        }
        return out;
    }

    /** Nothing: each start has a scope of its own, which {@link #undoStart} kills whole. */
    @Override
    public Set<ProcessHandle> beforeStart(String boxId) {
        return Set.of();
    }

    @Override
    public boolean populated(String boxId) {
        return relIfExists(boxId).map(tree::populated).orElse(false);
    }

    @Override
    public boolean exists(String boxId) {
        return relIfExists(boxId).isPresent();
    }

    // ---- kill, stop, remove ------------------------------------------------------------

    /**
     * The box's slice is killed as cgroupfs kills a box ({@link CgroupTree#kill}): {@code
     * cgroup.kill} takes the whole tree at once, forks included, and again while anything is left.
     */
    @Override
    public boolean kill(String boxId) {
        Optional<String> found = relIfExists(boxId);
        if (found.isEmpty()) {
            return false;
        }
        killRel(found.get());
        return true;
    }

    /**
     * Each start has a scope of its own, and all it starts stays in that scope's cgroup, a
     * daemon that double-forked away included: killing the scope takes exactly that.
     */
    @Override
    public void undoStart(String boxId, int pid, Set<ProcessHandle> before) {
        relIfExists(boxId).map(rel -> join(rel, names.processScope(boxId, pid))).filter(fs::exists).ifPresent(this::killRel);
    }

    private void killRel(String rel) {
        tree.kill(rel, fs.fileExists(rel, "cgroup.kill"), killTimeout);
    }

    @Override
    public int terminate(String boxId) {
        return relIfExists(boxId).map(rel -> tree.signal(rel, false)).orElse(0);
    }

    @Override
    public boolean awaitEmpty(String boxId, Duration timeout) {
        return relIfExists(boxId).map(rel -> tree.awaitEmpty(rel, timeout)).orElse(true);
    }

    /**
     * Stops the box's slice (which stops its scopes) and resets it if it failed, so no unit is
     * left. Live processes are killed first rather than left to systemd's 90 s stop timeout.
     * When no box is left, the base slice goes too.
     */
    @Override
    public void remove(String boxId) {
        String unit = names.boxSlice(boxId);
        if (populated(boxId)) {
            kill(boxId);
        }
        bus.stopUnit(unit);
        bus.resetFailedUnit(unit);
        cgroups.remove(boxId);
        retireBaseSliceIfEmpty();
    }

    private void retireBaseSliceIfEmpty() {
        if (!baseLock.writeLock().tryLock()) {
            return;
        }
        try {
            if (live(bus.listUnitsByPatterns(List.of(names.allUnitsPattern()))).isEmpty()) {
                bus.stopUnit(names.baseSlice());
            }
        } catch (DriverException e) {
            log.debug("could not retire {}: {}", names.baseSlice(), e.getMessage());
        } finally {
            baseLock.writeLock().unlock();
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
    public String basePath() {
        return fs.resolve(baseRel()).toString();
    }

    @Override
    public String cgroupPath(String boxId) {
        return relIfExists(boxId).map(rel -> fs.resolve(rel).toString())
                .orElseGet(() -> fs.resolve(join(baseRel(), names.boxSlice(boxId))).toString());
    }

    /** Box ids of every box slice systemd has loaded now. */
    @Override
    public List<String> listBoxes() {
        List<String> out = new ArrayList<>();
        for (UnitStatus u : live(bus.listUnitsByPatterns(List.of(names.boxSlicesPattern())))) {
            names.boxIdOf(u.name).ifPresent(out::add);
        }
        return out;
    }

    /** Every unit boxd made that systemd has loaded: box slices and their process scopes. */
    public List<BoxUnit> boxUnits() {
        List<BoxUnit> out = new ArrayList<>();
        for (UnitStatus u : live(bus.listUnitsByPatterns(List.of(names.allUnitsPattern())))) {
            names.boxIdOf(u.name).ifPresent(id ->
                    out.add(new BoxUnit(u.name, id, u.name.endsWith(".slice"), u.activeState, u.subState)));
        }
        return out;
    }

    /**
     * Units of boxes that boxd has no record of, for reconcile. Remove one with
     * {@link #kill(String)} then {@link #remove(String)} on its {@code boxId}.
     */
    public List<BoxUnit> orphanUnits(Collection<String> knownBoxIds) {
        Set<String> known = Set.copyOf(knownBoxIds);
        return boxUnits().stream().filter(u -> !known.contains(u.boxId())).toList();
    }

    /** A unit just stopped stays listed as inactive until systemd collects it; it is no box any more. */
    private static List<UnitStatus> live(List<UnitStatus> units) {
        return units.stream().filter(u -> !"inactive".equals(u.activeState)).toList();
    }

    // ---- lookups -----------------------------------------------------------------------

    @Override
    public void mark(String boxId, String owner) {
        fs.setXattr(requireBox(boxId), CgroupfsDriver.OWNER_XATTR, owner);
    }

    @Override
    public Optional<String> markOf(String boxId) {
        return relIfExists(boxId).flatMap(rel -> fs.xattr(rel, CgroupfsDriver.OWNER_XATTR));
    }

    /** The box's cgroup, relative to the mount, if its slice is loaded and its cgroup exists. */
    private Optional<String> relIfExists(String boxId) {
        String cached = cgroups.get(boxId);
        if (cached != null && fs.exists(cached)) {
            return Optional.of(cached);
        }
        cgroups.remove(boxId);
        return lookup(boxId).filter(fs::exists);
    }

    private Optional<String> lookup(String boxId) {
        Optional<String> cg = bus.controlGroup(names.boxSlice(boxId), SystemdBus.SLICE_IFACE).map(SystemdDriver::relative);
        cg.ifPresent(rel -> cgroups.put(boxId, rel));
        return cg;
    }

    private String requireBox(String boxId) {
        return relIfExists(boxId).orElseThrow(() -> new NoSuchCgroupException("box " + boxId + " has no unit "
                + names.boxSlice(boxId) + " with a cgroup"));
    }

    /** The base slice's cgroup, relative to the mount. */
    private String baseRel() {
        return join(managerRoot(), names.baseSlice());
    }

    private String managerRoot() {
        String root = managerRoot;
        if (root == null) {
            root = relative(bus.managerControlGroup());
            managerRoot = root;
        }
        return root;
    }

    private Set<String> controllers(String rel, String file) {
        return fs.read(rel, file).map(KernelText::controllers).orElse(Set.of());
    }

    private static String relative(String controlGroup) {
        String s = controlGroup;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "/" + b;
    }
}
