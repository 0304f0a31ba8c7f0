package io.boxd.persistence;

import io.boxd.driver.BoxDriver;
import io.boxd.driver.BoxProcess;
import io.boxd.driver.BoxStats;
import io.boxd.driver.DriverException;
import io.boxd.driver.HostInfo;
import io.boxd.driver.NoSuchCgroupException;
import io.boxd.driver.Placement;
import io.boxd.driver.SpawnSpec;
import io.boxd.driver.SpawnedProcess;
import io.boxd.limits.Limits;
import io.boxd.testkit.Kernel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A driver without a kernel, for tests of what boxd stores: each box is a plain directory under
 * a temp dir (so the exit watcher has something to watch) with the limits it was given as its
 * "enforced" limits. {@link #failNextCreate} and {@link #addOrphan} stage the cases the records
 * must survive.
 */
public final class FakeDriver implements BoxDriver, AutoCloseable {

    private final Path root;
    private final Map<String, Limits> boxes = new ConcurrentHashMap<>();
    private final Set<String> populated = ConcurrentHashMap.newKeySet();
    private final Map<String, String> marks = new ConcurrentHashMap<>();
    private final Set<String> failCreate = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pids = new AtomicInteger(40_000);

    public FakeDriver(Path root) {
        this.root = root;
    }

    /** Spring calls this when the test context closes: the boxes' directories go with it. */
    @Override
    public void close() {
        Kernel.deleteTree(root);
    }

    /**
     * A directory that {@code boxd.cgroup.mount} accepts (it has a cgroup.controllers file),
     * deleted when the JVM exits. Not with deleteOnExit: boxd makes its base directory inside it.
     */
    public static Path fakeMount() {
        try {
            Path dir = Files.createTempDirectory("boxd-fake-cgroup-");
            Files.writeString(dir.resolve("cgroup.controllers"), "cpu memory pids\n");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Kernel.deleteTree(dir), "delete " + dir));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void failNextCreate(String id) {
        failCreate.add(id);
    }

    /** A "cgroup" under the base with no record. */
    public void addOrphan(String id) {
        mkdir(id);
        boxes.put(id, Limits.NONE);
    }

    /**
     * Makes a box's cgroup disappear behind boxd's back, unseen: its directory stays (until
     * {@link #close}), so no inotify watch reports it, as when it went while boxd was down.
     * Reconciliation must find it.
     */
    public void vanish(String id) {
        boxes.remove(id);
        marks.remove(id);
        populated.remove(id);
    }

    @Override
    public String name() {
        return "cgroupfs";
    }

    @Override
    public HostInfo host() {
        return new HostInfo("cgroupfs", "fake driver for persistence tests", root.toString(), "fake",
                List.of("cpu", "memory", "pids"), List.of("cpu", "memory", "pids"), true, "strict", null);
    }

    @Override
    public Placement create(String boxId, Limits limits) {
        if (failCreate.remove(boxId)) {
            throw new DriverException("fake driver: create of " + boxId + " fails as staged");
        }
        mkdir(boxId);
        boxes.put(boxId, limits);
        return new Placement(cgroupPath(boxId), limits);
    }

    @Override
    public Limits applyLimits(String boxId, Limits limits) {
        if (!boxes.containsKey(boxId)) {
            throw new NoSuchCgroupException("no fake cgroup " + boxId);
        }
        boxes.put(boxId, limits);
        return limits;
    }

    @Override
    public Limits readEnforced(String boxId) {
        return boxes.get(boxId);
    }

    @Override
    public boolean isLimitFile(String fileName) {
        return false;   // it has no files
    }

    @Override
    public SpawnedProcess spawn(String boxId, SpawnSpec spec) {
        populated.add(boxId);
        return new SpawnedProcess(pids.incrementAndGet(), spec.argv(), Instant.now());
    }

    @Override
    public boolean adopt(String boxId, int pid) {
        populated.add(boxId);
        return true;
    }

    /** This JVM stands for the box's processes: the fake's are not real. */
    @Override
    public Set<ProcessHandle> beforeStart(String boxId) {
        return populated.contains(boxId) ? Set.of(ProcessHandle.current()) : Set.of();
    }

    @Override
    public void undoStart(String boxId, int pid, Set<ProcessHandle> before) {
        if (before.isEmpty()) {
            populated.remove(boxId);
        }
    }

    @Override
    public List<BoxProcess> processes(String boxId) {
        return populated.contains(boxId) ? List.of(new BoxProcess(pids.get(), "fake")) : List.of();
    }

    @Override
    public boolean populated(String boxId) {
        return populated.contains(boxId);
    }

    @Override
    public boolean kill(String boxId) {
        populated.remove(boxId);
        return exists(boxId);
    }

    @Override
    public int terminate(String boxId) {
        return populated.remove(boxId) ? 1 : 0;
    }

    @Override
    public boolean awaitEmpty(String boxId, Duration timeout) {
        return !populated.contains(boxId);
    }

    @Override
    public void remove(String boxId) {
        vanish(boxId);
        rmdir(boxId);
    }

    @Override
    public boolean exists(String boxId) {
        return boxes.containsKey(boxId);
    }

    @Override
    public void mark(String boxId, String owner) {
        if (!boxes.containsKey(boxId)) {
            throw new NoSuchCgroupException("no fake cgroup " + boxId);
        }
        marks.put(boxId, owner);
    }

    @Override
    public Optional<String> markOf(String boxId) {
        return Optional.ofNullable(marks.get(boxId));
    }

    @Override
    public BoxStats stats(String boxId) {
        return new BoxStats(null, null, null);
    }

    @Override
    public String cgroupPath(String boxId) {
        return root.resolve(boxId).toString();
    }

    @Override
    public String basePath() {
        return root.toString();
    }

    @Override
    public List<String> listBoxes() {
        return new ArrayList<>(new TreeSet<>(boxes.keySet()));
    }

    private void mkdir(String id) {
        try {
            Files.createDirectories(root.resolve(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rmdir(String id) {
        try {
            Files.deleteIfExists(root.resolve(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
