package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.testkit.Kernel;
import io.boxd.driver.BoxProcess;
import io.boxd.driver.BoxStats;
import io.boxd.driver.Enforcement;
import io.boxd.driver.ExecFailedException;
import io.boxd.driver.LimitNotEnforceableException;
import io.boxd.driver.NoSuchProcessException;
import io.boxd.driver.SpawnFailedException;
import io.boxd.driver.SpawnSpec;
import io.boxd.driver.SpawnedProcess;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroupfs driver against the real kernel: every assertion is read back from cgroupfs or /proc. */
class CgroupfsDriverKernelTest {

    static Path mount;
    static String base;
    static CgroupFs fs;
    static final List<Process> started = new ArrayList<>();
    static final List<Integer> pids = new ArrayList<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        mount = KernelCgroups.mount();
        base = KernelCgroups.uniqueBase();
        fs = new CgroupFs(mount);
    }

    final List<CgroupfsDriver> drivers = new ArrayList<>();

    @AfterEach
    void reapEveryBox() {
        CgroupfsDriver d = driver(Enforcement.BEST_EFFORT, Set.of());
        for (String id : d.listBoxes()) {
            d.kill(id);
            d.remove(id);
        }
        drivers.forEach(CgroupfsDriver::close);
    }

    /** Whether processes start through a spawn server; {@link ShellWrapperKernelTest} says no. */
    boolean spawnServer() {
        return true;
    }

    /** Which spawn server: the perl one here, the native one in {@link NativeSpawnServerKernelTest}. */
    boolean nativeSpawnServer() {
        return false;
    }

    /** Whether the target starts with no signal blocked; the shell wrapper passes on the JVM's mask. */
    boolean clearsSignalMask() {
        return true;
    }

    /** What {@link Spawner#launcher} must say, so that no subclass silently tests another launcher. */
    String expectedLauncher() {
        return "perl spawn server";
    }

    @AfterAll
    static void nothingIsLeft() throws Exception {
        started.forEach(Process::destroyForcibly);
        assertThat(KernelCgroups.cleanUp(mount, base)).as("cgroups left under " + base).isZero();
        for (int pid : pids) {
            assertThat(alive(pid)).as("pid " + pid + " left alive").isFalse();
        }
    }

    CgroupfsDriver driver(Enforcement e, Set<String> controllers) {
        var props = new CgroupProperties(null, base, controllers, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), spawnServer(),
                nativeSpawnServer());
        CgroupfsDriver d = new CgroupfsDriver(fs, props, e, "test", tmp.resolve("data"));
        drivers.add(d);
        assertThat(d.spawner().launcher()).isEqualTo(expectedLauncher());
        return d;
    }

    SpawnSpec spec(String... argv) {
        return new SpawnSpec(List.of(argv), Map.of(), null, null, null, tmp.resolve("box.log"));
    }

    /** Running, not a zombie: an orphan killed after its spawn server died waits for pid 1 to reap it. */
    static boolean alive(int pid) {
        return Kernel.identify(pid).isPresent();
    }

    static String cgroupOf(int pid) {
        return java.util.Objects.requireNonNull(Kernel.cgroupOf(pid), "pid " + pid + " is gone");
    }

    static void awaitDead(int pid) throws InterruptedException {
        for (int i = 0; i < 400 && alive(pid); i++) {
            Thread.sleep(5);
        }
    }

    @Test
    void aBoxProcessLeadsASessionOfItsOwnWithoutBoxdsTerminalOrSignalMask() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("session", Limits.NONE);
        int pid = d.spawn("session", spec("sleep", "300")).pid();
        pids.add(pid);
        Map<String, String> status = Kernel.statusOnceItRuns(pid, "sleep");
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");   // state, ppid, pgrp, session, tty_nr
        assertThat(f[3]).as("session of %s", stat).isEqualTo(Integer.toString(pid));
        assertThat(f[2]).as("process group").isEqualTo(Integer.toString(pid));
        assertThat(f[4]).as("controlling terminal").isEqualTo("0");
        if (clearsSignalMask()) {
            assertThat(status.get("SigBlk")).as("blocked signals (the JVM blocks SIGQUIT)").isEqualTo("0000000000000000");
        }
        d.kill("session");
    }

    @Test
    void createSpawnAndAdoptPlaceProcessesInTheBox() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        var placement = d.create("csa", Limits.NONE);
        assertThat(Path.of(placement.cgroupPath())).isDirectory().isEqualTo(mount.resolve(base + "/csa"));

        SpawnedProcess p = d.spawn("csa", spec("sleep", "300"));
        pids.add(p.pid());
        assertThat(cgroupOf(p.pid())).isEqualTo("/" + base + "/csa");

        Process outside = new ProcessBuilder("sleep", "300").start();
        started.add(outside);
        pids.add((int) outside.pid());
        assertThat(cgroupOf((int) outside.pid())).isNotEqualTo("/" + base + "/csa");
        d.adopt("csa", (int) outside.pid());
        assertThat(cgroupOf((int) outside.pid())).isEqualTo("/" + base + "/csa");

        assertThat(d.processes("csa")).extracting(BoxProcess::pid).containsExactlyInAnyOrder(p.pid(), (int) outside.pid());
        assertThat(d.processes("csa")).extracting(BoxProcess::command).contains("sleep 300");
        assertThat(d.populated("csa")).isTrue();
    }

    @Test
    void spawnGivesTheTargetExactlyTheRequestedEnvironmentAndLogsOutput() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("env", Limits.NONE);
        Path log = tmp.resolve("env.log");
        var p = d.spawn("env", new SpawnSpec(List.of("sh", "-c", "env; echo err >&2"), Map.of("GREETING", "hi"), tmp, null, null, log));
        awaitDead(p.pid());
        String out = Files.readString(log);
        assertThat(out).contains("GREETING=hi", "BOXD_BOX_ID=env", "PWD=" + tmp, "err").doesNotContain("JAVA_HOME", "HOME=");
    }

    @Test
    void aCwdThroughALinkIntoProcSelfLeadsToTheRootNotBoxdsWorkingDirectory() throws Exception {
        // The request's cwd is checked by name only; a link to /proc/self, entered by the child
        // itself, is its own /proc entry, whose cwd is what it inherited from the spawner.
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("cwdlink", Limits.NONE);
        Path self = Files.createSymbolicLink(tmp.resolve("self"), Path.of("/proc/self"));
        Path log = tmp.resolve("cwdlink.log");
        var p = d.spawn("cwdlink", new SpawnSpec(List.of("/bin/pwd", "-P"), Map.of(), self.resolve("cwd"), null, null, log));
        awaitDead(p.pid());
        assertThat(Files.readString(log)).isEqualTo("/\n");
    }

    @Test
    void aRelativeLogPathIsBoxdsWorkingDirectorysNotTheSpawnersRoot() throws Exception {
        // A relative boxd.data-dir (README command 1 has ./data) gives relative log paths, and the
        // spawners run in "/". No "..": from "/" that would still find the file.
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("rellog", Limits.NONE);
        Path dir = Files.createTempDirectory(Path.of("target"), "rellog");
        try {
            Path log = dir.resolve("rellog.log");
            assertThat(log.isAbsolute()).isFalse();
            var p = d.spawn("rellog", new SpawnSpec(List.of("/bin/echo", "logged"), Map.of(), null, null, null, log));
            awaitDead(p.pid());
            assertThat(Files.readString(log)).isEqualTo("logged\n");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void loaderVariablesFromTheRequestReachOnlyTheTarget() throws Exception {
        // LD_DEBUG stands for LD_PRELOAD and its kind: the loader reports every program that starts
        // with it. Had a wrapper stage (sh, setpriv, as root) run with the request's environment, it
        // would show up here, or its report would take the place of the wrapper's "placed".
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("loader", Limits.NONE);
        Path log = tmp.resolve("loader.log");
        var p = d.spawn("loader", new SpawnSpec(List.of("/usr/bin/true"), Map.of("LD_DEBUG", "files"), null, 65534, 65534, log));
        awaitDead(p.pid());
        List<String> loaded = Files.readAllLines(log).stream().filter(l -> l.contains("needed by")).toList();
        assertThat(loaded).isNotEmpty().allSatisfy(l -> assertThat(l).contains("needed by /usr/bin/true"));
    }

    @Test
    void theWorkingDirectoryIsEnteredAsTheTargetUser() throws Exception {
        Path locked = Files.createDirectories(tmp.resolve("locked/pub"));
        Files.writeString(locked.resolve("f"), "boxd-secret-text\n");
        Files.setPosixFilePermissions(locked.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(locked.resolve("f"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("cwd", Limits.NONE);
        // The control: as boxd's own user the file is there to read, so the test can tell.
        Path asRoot = tmp.resolve("cwd-root.log");
        awaitDead(d.spawn("cwd", new SpawnSpec(List.of("/usr/bin/cat", "f"), Map.of(), locked, null, null, asRoot)).pid());
        assertThat(Files.readString(asRoot)).contains("boxd-secret-text");

        Path asNobody = tmp.resolve("cwd-nobody.log");
        try {
            awaitDead(d.spawn("cwd", new SpawnSpec(List.of("/usr/bin/cat", "f"), Map.of(), locked, 65534, 65534, asNobody)).pid());
        } catch (SpawnFailedException e) {
            assertThat(e).hasMessageContaining("chdir");   // the spawn server reports it; the shell wrapper logs it
        }
        assertThat(Files.exists(asNobody) ? Files.readString(asNobody) : "").doesNotContain("boxd-secret-text");
    }

    @Test
    void adoptOfAPidThatDoesNotExistIsNoSuchProcess() {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("nopid", Limits.NONE);
        assertThatThrownBy(() -> d.adopt("nopid", 999_999_999)).isInstanceOf(NoSuchProcessException.class);
    }

    @Test
    void killReapsADoubleForkedSetsidDaemon() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("daemon", Limits.NONE);
        Path pidFile = tmp.resolve("daemon.pid");
        // The middle shell exits at once, so the daemon is reparented away from us and has its own session.
        var p = d.spawn("daemon", spec("sh", "-c", "(setsid sh -c 'echo $$ > " + pidFile + "; exec sleep 300' &) ; exec sleep 300"));
        pids.add(p.pid());
        for (int i = 0; i < 400 && !(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()); i++) {
            Thread.sleep(5);
        }
        int daemon = Integer.parseInt(Files.readString(pidFile).trim());
        pids.add(daemon);
        assertThat(ProcessHandle.of(daemon).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).isNotEqualTo(java.util.Optional.of((long) p.pid()));
        assertThat(cgroupOf(daemon)).isEqualTo("/" + base + "/daemon");

        d.kill("daemon");

        assertThat(d.populated("daemon")).isFalse();
        awaitDead(daemon);
        assertThat(alive(daemon)).isFalse();
        assertThat(alive(p.pid())).isFalse();
    }

    @Test
    void killWithoutCgroupKillFreezesAndSigkillsEveryPid() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.withoutCgroupKill();
        d.create("nokill", Limits.NONE);
        var p = d.spawn("nokill", spec("sh", "-c", "sleep 300 & sleep 300 & exec sleep 300"));
        pids.add(p.pid());
        for (int i = 0; i < 500 && d.processes("nokill").size() < 3; i++) {
            Thread.sleep(10);
        }
        assertThat(d.processes("nokill")).hasSize(3);
        d.kill("nokill");
        assertThat(d.populated("nokill")).isFalse();
        assertThat(fs.read(base + "/nokill", "cgroup.freeze")).contains("0\n");
    }

    @Test
    void removeRightAfterKillNeverSurfacesEbusy() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        for (int round = 0; round < 20; round++) {
            String id = "rm" + round;
            d.create(id, Limits.NONE);
            var p = d.spawn(id, spec("sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 300 & done; wait"));
            pids.add(p.pid());
            d.kill(id);
            d.remove(id);
            assertThat(mount.resolve(base + "/" + id)).doesNotExist();
        }
    }

    @Test
    void removeDeletesChildCgroupsFirstAndToleratesAbsence() {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("nested", Limits.NONE);
        fs.mkdir(base + "/nested/a");
        fs.mkdir(base + "/nested/a/b");
        d.remove("nested");
        assertThat(mount.resolve(base + "/nested")).doesNotExist();
        d.remove("nested");
    }

    @Test
    void theOwnerMarkIsAUserXattrOfTheCgroupAndGoesWithIt() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("marked", Limits.NONE);
        Path dir = mount.resolve(base + "/marked");
        assertThat(d.markOf("marked")).as("a new cgroup carries no mark").isEmpty();
        d.mark("marked", "owner-a");
        var xattrs = Files.getFileAttributeView(dir, java.nio.file.attribute.UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(64);
        xattrs.read("boxd.owner", raw);
        assertThat(new String(raw.array(), 0, raw.position(), java.nio.charset.StandardCharsets.UTF_8))
                .as("user.boxd.owner as the kernel keeps it").isEqualTo("owner-a");
        d.mark("marked", "owner-b");
        assertThat(d.markOf("marked")).contains("owner-b");
        d.mark("marked", "x".repeat(CgroupFs.XATTR_MAX));
        assertThat(d.markOf("marked")).contains("x".repeat(CgroupFs.XATTR_MAX));
        d.mark("marked", "x".repeat(CgroupFs.XATTR_MAX + 1));
        assertThatThrownBy(() -> d.markOf("marked")).as("a mark longer than any boxd writes cannot be read")
                .isInstanceOf(io.boxd.driver.DriverException.class);
        d.mark("marked", "owner-b");
        d.remove("marked");
        assertThat(d.markOf("marked")).as("no cgroup, no mark").isEmpty();
        assertThatThrownBy(() -> d.mark("marked", "owner-a")).isInstanceOf(io.boxd.driver.NoSuchCgroupException.class);
        d.create("marked", Limits.NONE);
        assertThat(d.markOf("marked")).as("a cgroup made again under the same name starts unmarked").isEmpty();
        d.remove("marked");
    }

    @Test
    void terminateReachesEveryProcessAndWhatIgnoresItOutlivesTheWaitUntilTheKill() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("stop", Limits.NONE);
        var polite = d.spawn("stop", spec("sleep", "300"));
        var stubborn = d.spawn("stop", spec("sh", "-c", "trap '' TERM; while :; do sleep 1; done"));
        pids.add(polite.pid());
        pids.add(stubborn.pid());
        // The stubborn shell has set its trap once it runs its first `sleep 1`.
        for (int i = 0; i < 500 && d.processes("stop").size() < 3; i++) {
            Thread.sleep(10);
        }
        long t0 = System.nanoTime();
        assertThat(d.terminate("stop")).as("SIGTERMs sent").isGreaterThanOrEqualTo(3);
        assertThat(d.awaitEmpty("stop", Duration.ofMillis(300))).as("the shell ignores SIGTERM").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(d.populated("stop")).isTrue();
        assertThat(d.kill("stop")).isTrue();
        assertThat(d.populated("stop")).isFalse();
    }

    @Test
    void processesThatHonourTermEmptyTheBoxWithoutAKill() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("polite", Limits.NONE);
        pids.add(d.spawn("polite", spec("sleep", "300")).pid());
        pids.add(d.spawn("polite", spec("sleep", "301")).pid());
        long t0 = System.nanoTime();
        assertThat(d.terminate("polite")).isEqualTo(2);
        assertThat(d.awaitEmpty("polite", Duration.ofSeconds(30))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(d.populated("polite")).isFalse();
        assertThat(d.terminate("polite")).as("nothing left to signal").isZero();
        d.remove("polite");
        assertThat(d.terminate("polite")).as("no cgroup").isZero();
        assertThat(d.awaitEmpty("polite", Duration.ofSeconds(30))).as("a gone cgroup is empty").isTrue();
        assertThat(d.kill("polite")).as("no cgroup, nothing to kill").isFalse();
    }

    @Test
    void spawnNeverRunsTheTargetWhenTheAttachFails() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("noattach", Limits.NONE);
        // A cgroup that delegates a controller to a child may not hold processes itself
        // ("no internal processes"), so the wrapper's write to cgroup.procs fails.
        String rootBefore = fs.read("", "cgroup.subtree_control").orElseThrow();
        try {
            fs.write("", "cgroup.subtree_control", "+hugetlb");
            fs.write(base, "cgroup.subtree_control", "+hugetlb");
            fs.mkdir(base + "/noattach/child");
            fs.write(base + "/noattach", "cgroup.subtree_control", "+hugetlb");
            Path marker = tmp.resolve("ran");
            assertThatThrownBy(() -> d.spawn("noattach", spec("touch", marker.toString())))
                    .isInstanceOf(SpawnFailedException.class).hasMessageContaining("could not join");
            Thread.sleep(100);
            assertThat(marker).doesNotExist();
        } finally {
            fs.write(base + "/noattach", "cgroup.subtree_control", "-hugetlb");
            fs.write(base, "cgroup.subtree_control", "-hugetlb");
            if (!rootBefore.contains("hugetlb")) {
                fs.write("", "cgroup.subtree_control", "-hugetlb");
            }
        }
    }

    @Test
    void strictRefusesMemoryWhereTheControllerIsMissingAndLeavesNothing() {
        assertThat(fs.read("", "cgroup.controllers").orElse("")).as("this test needs a host without the memory controller")
                .doesNotContain("memory");
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        Limits memory = new Limits(LimitValue.of(64L << 20), null, null, null, null, null);
        assertThatThrownBy(() -> d.create("strict", memory))
                .isInstanceOfSatisfying(LimitNotEnforceableException.class, e -> {
                    assertThat(e.missing()).singleElement().satisfies(m -> {
                        assertThat(m.controller()).isEqualTo("memory");
                        assertThat(m.limit()).isEqualTo("memoryMaxBytes");
                        assertThat(m.missingAt()).startsWith(mount.toString());
                    });
                });
        assertThat(mount.resolve(base + "/strict")).doesNotExist();
    }

    @Test
    void bestEffortCreatesAndReportsOnlyWhatTheKernelEnforces() {
        CgroupfsDriver d = driver(Enforcement.BEST_EFFORT, Set.of());
        Limits asked = new Limits(LimitValue.of(64L << 20), null, null, null, null, LimitValue.of(64));
        var placement = d.create("honest", asked);
        assertThat(Path.of(placement.cgroupPath())).isDirectory();
        assertThat(placement.enforced().memoryMaxBytes()).isNull();
        assertThat(placement.enforced().pidsMax()).isNull();
        assertThat(mount.resolve(base + "/honest/memory.max")).doesNotExist();
    }

    @Test
    void enablesTheAvailableIntersectionAtEveryLevel() {
        String rootBefore = fs.read("", "cgroup.subtree_control").orElseThrow();
        try {
            // hugetlb is the one controller this host offers; cpu, memory and pids are not.
            CgroupfsDriver d = driver(Enforcement.STRICT, Set.of("cpu", "memory", "pids", "hugetlb"));
            d.create("ctl", Limits.NONE);
            assertThat(KernelText.controllers(fs.read("", "cgroup.subtree_control").orElseThrow())).contains("hugetlb");
            assertThat(KernelText.controllers(fs.read(base, "cgroup.subtree_control").orElseThrow())).containsExactly("hugetlb");
            assertThat(KernelText.controllers(fs.read(base + "/ctl", "cgroup.controllers").orElseThrow())).containsExactly("hugetlb");
            // Idempotent: a second create writes nothing new and succeeds.
            d.create("ctl2", Limits.NONE);
            assertThat(d.host().boxControllers()).containsExactly("hugetlb");
        } finally {
            reapEveryBox();
            fs.write(base, "cgroup.subtree_control", "-hugetlb");
            if (!rootBefore.contains("hugetlb")) {
                fs.write("", "cgroup.subtree_control", "-hugetlb");
            }
        }
    }

    @Test
    void statsLeaveMissingFilesAbsentNeverZero() {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("stats", Limits.NONE);
        BoxStats s = d.stats("stats");
        assertThat(s.cpu()).isNotNull();
        assertThat(s.cpu().usageMicros()).isNotNull();
        if (!fs.fileExists(base + "/stats", "memory.current")) {
            assertThat(s.memory()).isNull();
        }
        if (!fs.fileExists(base + "/stats", "pids.current")) {
            assertThat(s.pids()).isNull();
        }
        if (!fs.fileExists(base + "/stats", "cpu.max")) {
            assertThat(s.cpu().nrThrottled()).isNull();
        }
    }

    @Test
    void spawnAsAnotherUserDropsUidGidAndEverySupplementaryGroup() throws Exception {
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("asuser", Limits.NONE);
        var p = d.spawn("asuser", new SpawnSpec(List.of("sleep", "300"), Map.of(), null, 65534, 65534, tmp.resolve("u.log")));
        pids.add(p.pid());
        Map<String, String> status = Kernel.statusOnceItRuns(p.pid(), "sleep");
        assertThat(status.get("Uid")).isEqualTo("65534 65534 65534 65534");
        assertThat(status.get("Gid")).isEqualTo("65534 65534 65534 65534");
        assertThat(status.get("Groups")).isEmpty();
        assertThat(cgroupOf(p.pid())).isEqualTo("/" + base + "/asuser");
    }

    @Test
    void spawnAfterAKillOfTheSameBoxStartsALiveProcessInIt() throws Exception {
        // Linux 6.18 SIGKILLs a child cloned (CLONE_INTO_CGROUP) into a cgroup that was ever
        // written cgroup.kill; the spawn server must notice and fork instead.
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("rekill", Limits.NONE);
        var first = d.spawn("rekill", spec("sleep", "300"));
        pids.add(first.pid());
        d.kill("rekill");
        for (int round = 0; round < 3; round++) {
            var again = d.spawn("rekill", spec("sleep", "300"));
            pids.add(again.pid());
            assertThat(cgroupOf(again.pid())).isEqualTo("/" + base + "/rekill");
            assertThat(Kernel.statusOnceItRuns(again.pid(), "sleep").get("State")).doesNotStartWith("Z");
            assertThat(alive(again.pid())).isTrue();
            d.kill("rekill");
            assertThat(d.populated("rekill")).isFalse();
        }
    }

    @Test
    void spawnServerReportsATargetItCannotExecAndLeavesTheBoxEmpty() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(spawnServer(), "the shell wrapper reports a failed exec in the log only");
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("noexec", Limits.NONE);
        assertThatThrownBy(() -> d.spawn("noexec", spec("/nonexistent/boxd-target")))
                .isInstanceOf(ExecFailedException.class).hasMessageContaining("exec /nonexistent/boxd-target");
        for (int i = 0; i < 400 && d.populated("noexec"); i++) {
            Thread.sleep(5);
        }
        assertThat(d.populated("noexec")).isFalse();
    }

    @Test
    void spawnServerKillsAChildThatProcCgroupPlacesElsewhereBeforeItRunsTheTarget() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(spawnServer(), "the shell wrapper's check is Spawner's own");
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("here", Limits.NONE);
        d.create("there", Limits.NONE);
        Path marker = tmp.resolve("ran");
        // The child is born in "here", but the server is told to expect "there".
        assertThatThrownBy(() -> d.spawner().spawn("there", fs.resolve(base + "/here/cgroup.procs"), "/" + base + "/there",
                spec("touch", marker.toString()), java.util.Optional::empty))
                .isInstanceOf(SpawnFailedException.class)
                .hasMessageContaining("is in /" + base + "/here, not /" + base + "/there")
                .hasMessageContaining("killed it before it ran the target");
        for (int i = 0; i < 400 && d.populated("here"); i++) {
            Thread.sleep(5);
        }
        assertThat(d.populated("here")).as("the misplaced child is gone").isFalse();
        assertThat(marker).doesNotExist();
        var ok = d.spawn("here", spec("sleep", "300"));
        pids.add(ok.pid());
        assertThat(cgroupOf(ok.pid())).as("the server still serves").isEqualTo("/" + base + "/here");
    }

    @Test
    void spawnServerIsStartedAgainAfterItDiesAndBoxProcessesOutliveIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(spawnServer());
        CgroupfsDriver d = driver(Enforcement.STRICT, Set.of());
        d.create("again", Limits.NONE);
        var first = d.spawn("again", spec("sleep", "300"));
        pids.add(first.pid());
        long server = d.spawner().serverPid().orElseThrow();
        ProcessHandle handle = ProcessHandle.of(server).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get();
        var second = d.spawn("again", spec("sleep", "300"));
        pids.add(second.pid());
        assertThat(d.spawner().serverPid().orElseThrow()).isNotEqualTo(server);
        assertThat(alive(first.pid())).as("a box process outlives the spawn server").isTrue();
        assertThat(d.processes("again")).extracting(BoxProcess::pid).containsExactlyInAnyOrder(first.pid(), second.pid());
        long restarted = d.spawner().serverPid().orElseThrow();
        d.close();
        assertThat(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false)).as("server stopped by close").isFalse();
        assertThat(alive(second.pid())).isTrue();
    }
}
