package io.boxd.reconcile;

import io.boxd.testkit.Http;
import io.boxd.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.cgroup.LimitPlan;
import io.boxd.limits.Limits;
import io.boxd.testkit.Migrations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Startup reconcile of a host that boxd left in a mess. While boxd is down the test plants, on
 * the real kernel and straight into boxd's H2 file: orphan cgroups (one with two sleeping
 * processes, one empty, one whose name is not a valid box id) and records in every awkward state
 * (CREATING with and without its cgroup, REMOVING with a live process and with its cgroup already
 * gone, RUNNING with nothing alive, STOPPED with a process, a live record whose cgroup is gone),
 * plus a cgroup marked by another boxd database and one marked by a database named in
 * {@code boxd.reconcile.take-over}.
 * Then boxd starts as a separate JVM with {@code boxd.reconcile.orphans} = reap, adopt or report,
 * and once readiness is UP every item must have been handled as the policy says.
 */
class StartupReconcileOrphansTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<Process> planted = new ArrayList<>();

    @ParameterizedTest(name = "orphans={0}")
    @ValueSource(strings = {"reap", "adopt", "report"})
    void startupReconcileResolvesEveryPlantedInconsistencyAsThePolicySays(String policy) throws Exception {
        String base = "boxd-orphans-" + policy + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path baseDir = Kernel.mount().resolve(base);
        Path tmp = Files.createTempDirectory("boxd-orphans-" + policy + "-");
        Path data = tmp.resolve("data");
        String otherOwner = UUID.randomUUID().toString();
        String takenOver = UUID.randomUUID().toString();
        BoxdJvm jvm = new BoxdJvm(data, base, tmp.resolve("boxd.log"),
                List.of("--boxd.reconcile.orphans=" + policy, "--boxd.reconcile.take-over=" + takenOver));
        try {
            // ---- plant, while boxd is down --------------------------------------------------
            Files.createDirectories(baseDir);
            List<Long> busyPids = List.of(sleep(mk(baseDir, "orphan-busy")), sleep(baseDir.resolve("orphan-busy")));
            mk(baseDir, "orphan-empty");
            long dottedPid = sleep(mk(baseDir, "orphan.dotted"));
            long creatingPid = sleep(mk(baseDir, "creating-dir"));
            long removingPid = sleep(mk(baseDir, "removing-busy"));
            mk(baseDir, "running-empty");
            long runningPid = sleep(mk(baseDir, "running-busy"));
            long stoppedPid = sleep(mk(baseDir, "stopped-busy"));
            // A cgroup under the id of a REMOVED record: an orphan that cannot be adopted under its id.
            long removedPid = sleep(mk(baseDir, "removed-old"));
            // A box of another database's boxd (another data dir), and one of a database taken over.
            long foreignPid = sleep(markAs(mk(baseDir, "foreign-busy"), otherOwner));
            long takenPid = sleep(markAs(mk(baseDir, "taken-over"), takenOver));
            // A RUNNING record whose cgroup now holds another database's box under the same id
            // (this record's box went with a reboot, and the other boxd made one since).
            long reusedPid = sleep(markAs(mk(baseDir, "reused-id"), otherOwner));

            String url = "jdbc:h2:file:" + data.resolve("boxd") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
            Migrations.h2(url);
            try (Connection c = DriverManager.getConnection(url, "sa", "")) {
                for (String[] row : new String[][] {
                        {"creating-dir", "CREATING"}, {"creating-nodir", "CREATING"}, {"removing-busy", "REMOVING"},
                        {"removing-gone", "REMOVING"}, {"running-empty", "RUNNING"}, {"running-busy", "RUNNING"},
                        {"stopped-busy", "STOPPED"}, {"created-gone", "CREATED"}, {"removed-old", "REMOVED"},
                        {"reused-id", "RUNNING"}}) {
                    insert(c, baseDir, row[0], row[1]);
                }
            }

            // ---- start boxd; readiness UP means the startup reconcile is done ---------------
            long ready = jvm.start();
            Http rest = jvm.rest();
            JsonNode report = rest.get("/v1/reconcile/last").json();
            System.out.printf("[orphans=%s] ready in %d ms; startup report %s%n", policy, ready, report);
            assertThat(report.path("trigger").asString()).isEqualTo("startup");

            // Records: the same whatever the orphan policy.
            assertThat(report.path("lost").asInt()).as("lost in %s", report).isEqualTo(2);
            assertThat(report.path("repaired").asInt()).as("repaired in %s", report).isEqualTo(6);
            assertThat(report.path("busy").asInt()).as("busy in %s", report).isZero();

            assertThat(rest.get("/v1/boxes/reused-id").json().path("state").asString())
                    .as("a record whose cgroup holds another database's box is LOST").isEqualTo("LOST");
            assertThat(rest.events("reused-id").stream().filter(e -> e.path("type").asString().equals("lost"))
                    .map(e -> e.path("detail").asString()).toList()).singleElement().asString()
                    .contains("holds a box of another boxd database (" + otherOwner + ")");
            assertThat(alive(reusedPid)).as("the other database's box keeps its process").isTrue();
            assertThat(mark(baseDir.resolve("reused-id"))).as("and its mark").contains(otherOwner);
            JsonNode lost = rest.get("/v1/boxes/created-gone").json();
            assertThat(lost.path("state").asString()).as("a live record whose cgroup is gone is kept, LOST").isEqualTo("LOST");
            assertThat(types(rest, "created-gone")).containsSubsequence("created", "lost");

            for (String id : List.of("creating-dir", "creating-nodir")) {
                assertThat(rest.get("/v1/boxes/" + id).status()).as("CREATING %s is rolled back, record and all", id).isEqualTo(404);
                assertThat(baseDir.resolve(id)).as("the rolled-back create's cgroup").doesNotExist();
            }
            assertThat(deadWithin(creatingPid)).as("the process in a rolled-back create's cgroup is killed").isTrue();

            for (String id : List.of("removing-busy", "removing-gone")) {
                assertThat(rest.get("/v1/boxes/" + id).json().path("state").asString()).as("REMOVING %s is finished", id)
                        .isEqualTo("REMOVED");
                assertThat(types(rest, id)).as("history of %s", id).containsSubsequence("created", "removed");
                assertThat(baseDir.resolve(id)).doesNotExist();
            }
            assertThat(deadWithin(removingPid)).as("the process of a box whose delete was interrupted is killed").isTrue();

            assertThat(rest.get("/v1/boxes/running-empty").json().path("state").asString()).isEqualTo("EXITED");
            assertThat(types(rest, "running-empty")).containsSubsequence("created", "exited");
            assertThat(rest.get("/v1/boxes/running-busy").json().path("state").asString()).isEqualTo("RUNNING");
            assertThat(alive(runningPid)).isTrue();
            assertThat(rest.get("/v1/boxes/stopped-busy").json().path("state").asString())
                    .as("a STOPPED record with a live process follows the kernel").isEqualTo("RUNNING");
            assertThat(types(rest, "stopped-busy")).containsSubsequence("created", "running");
            assertThat(rest.events("stopped-busy").stream().filter(e -> e.path("type").asString().equals("running"))
                    .map(e -> e.path("detail").asString()).toList())
                    .as("the running event names what it found").singleElement().asString()
                    .startsWith("processes found in the box: 1 (pid " + stoppedPid + " ");
            assertThat(rest.get("/v1/boxes/removed-old").json().path("state").asString()).isEqualTo("REMOVED");
            assertThat(types(rest, "removed-old")).containsExactly("created");

            // Orphans: by policy.
            Map<String, JsonNode> orphans = orphansOf(report);
            String busyPath = baseDir.resolve("orphan-busy").toString();
            String removedPath = baseDir.resolve("removed-old").toString();
            String foreignPath = baseDir.resolve("foreign-busy").toString();
            String takenPath = baseDir.resolve("taken-over").toString();
            assertThat(orphans).as("orphans listed in %s", report).containsOnlyKeys(busyPath,
                    baseDir.resolve("orphan-empty").toString(), baseDir.resolve("orphan.dotted").toString(), removedPath,
                    foreignPath, takenPath);
            // Another database's box: whatever the policy, listed and left alone.
            assertThat(report.path("orphansForeign").asInt()).as("orphansForeign in %s", report).isEqualTo(1);
            assertThat(orphans.get(foreignPath).path("action").asString()).isEqualTo("foreign");
            assertThat(orphans.get(foreignPath).path("owner").asString()).isEqualTo(otherOwner);
            assertThat(pids(orphans.get(foreignPath))).containsExactly(foreignPid);
            assertThat(alive(foreignPid)).as("another database's box keeps its process").isTrue();
            assertThat(rest.get("/v1/boxes/foreign-busy").status()).isEqualTo(404);
            assertThat(orphans.get(takenPath).path("owner").asString()).isEqualTo(takenOver);
            assertThat(Files.readString(tmp.resolve("boxd.log")))
                    .contains("left alone 1 cgroup under " + baseDir + " marked by another boxd database (" + otherOwner + ")");
            // Boxes of this database made before boxd marked them are marked at startup.
            String ours = mark(baseDir.resolve("running-busy")).orElseThrow();
            assertThat(mark(baseDir.resolve("stopped-busy"))).contains(ours);
            assertThat(ours).isNotIn(otherOwner, takenOver);
            assertThat(pids(orphans.get(removedPath))).containsExactly(removedPid);
            assertThat(pids(orphans.get(busyPath))).as("the orphan's pids are on record").containsExactlyInAnyOrderElementsOf(busyPids);
            assertThat(pids(orphans.get(baseDir.resolve("orphan.dotted").toString()))).containsExactly(dottedPid);
            assertThat(pids(orphans.get(baseDir.resolve("orphan-empty").toString()))).isEmpty();
            switch (policy) {
                case "reap" -> {
                    assertCounts(report, 5, 0, 0);
                    orphans.values().stream().filter(o -> o != orphans.get(foreignPath))
                            .forEach(o -> assertThat(o.path("action").asString()).isEqualTo("reaped"));
                    assertThat(deadWithin(takenPid)).as("an orphan of a database taken over is reaped").isTrue();
                    assertThat(deadWithin(removedPid)).isTrue();
                    for (long pid : busyPids) {
                        assertThat(deadWithin(pid)).as("reaped orphan's pid %d", pid).isTrue();
                    }
                    assertThat(deadWithin(dottedPid)).isTrue();
                    assertThat(baseDir.resolve("orphan-busy")).doesNotExist();
                    assertThat(baseDir.resolve("orphan-empty")).doesNotExist();
                    assertThat(baseDir.resolve("orphan.dotted")).doesNotExist();
                    assertThat(rest.get("/v1/boxes/orphan-busy").status()).isEqualTo(404);
                }
                case "adopt" -> {
                    assertCounts(report, 0, 3, 2);
                    assertThat(orphans.get(takenPath).path("action").asString()).isEqualTo("adopted");
                    assertThat(mark(baseDir.resolve("taken-over"))).as("an adopted orphan is marked as this database's").contains(ours);
                    assertThat(alive(takenPid)).isTrue();
                    assertThat(orphans.get(removedPath).path("action").asString())
                            .as("an id a REMOVED record holds cannot be adopted: reported").isEqualTo("reported");
                    assertThat(alive(removedPid)).isTrue();
                    assertThat(orphans.get(busyPath).path("action").asString()).isEqualTo("adopted");
                    assertThat(orphans.get(baseDir.resolve("orphan.dotted").toString()).path("action").asString())
                            .as("a name that is not a valid box id cannot become a box: reported").isEqualTo("reported");
                    JsonNode kernelLimits = JSON.valueToTree(readBack(baseDir.resolve("orphan-busy")));
                    JsonNode busy = rest.get("/v1/boxes/orphan-busy").json();
                    assertThat(busy.path("state").asString()).isEqualTo("RUNNING");
                    assertThat(busy.path("labels").path("boxd.io/adopted").asString()).isEqualTo("true");
                    assertThat(busy.path("limits")).as("adopted limits are read back from the kernel").isEqualTo(kernelLimits);
                    assertThat(busy.path("enforced")).isEqualTo(kernelLimits);
                    assertThat(rest.get("/v1/boxes/orphan-empty").json().path("state").asString()).isEqualTo("CREATED");
                    assertThat(types(rest, "orphan-busy")).containsExactly("adopted-orphan");
                    for (long pid : busyPids) {
                        assertThat(alive(pid)).as("adopted orphan's pid %d keeps running", pid).isTrue();
                    }
                    assertThat(baseDir.resolve("orphan.dotted")).exists();
                    // The adopted box is watched like any other: its exit is seen within a second.
                    long t0 = System.nanoTime();
                    busyPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                    long ms = waitForState(rest, "orphan-busy", "EXITED", 5000);
                    System.out.printf("[orphans=adopt] adopted box EXITED %d ms after its processes were killed%n", ms);
                    assertThat(ms).as("adopted box seen EXITED (ms after kill, t0=%d)", t0).isLessThanOrEqualTo(1000);
                }
                default -> {
                    assertCounts(report, 0, 0, 5);
                    orphans.values().stream().filter(o -> o != orphans.get(foreignPath))
                            .forEach(o -> assertThat(o.path("action").asString()).isEqualTo("reported"));
                    assertThat(alive(takenPid)).isTrue();
                    for (long pid : busyPids) {
                        assertThat(alive(pid)).as("reported orphan's pid %d is left alone", pid).isTrue();
                    }
                    assertThat(baseDir.resolve("orphan-busy")).exists();
                    assertThat(baseDir.resolve("orphan-empty")).exists();
                    assertThat(rest.get("/v1/boxes/orphan-busy").status()).isEqualTo(404);
                }
            }

            // ---- POST /v1/reconcile while running returns the five counters -------------------
            long latePid = sleep(mk(baseDir, "late-orphan"));
            Http.Reply r = rest.post("/v1/reconcile", null);
            assertThat(r.status()).isEqualTo(200);
            for (String k : List.of("orphansReaped", "orphansAdopted", "lost", "repaired", "durationMillis")) {
                assertThat(r.json().path(k).isIntegralNumber()).as("%s in %s", k, r).isTrue();
            }
            assertThat(r.json().path("lost").asInt()).isZero();
            assertThat(r.json().path("repaired").asInt()).isZero();
            // The LOST record claims nothing now: its cgroup is listed as the other database's.
            assertThat(r.json().path("orphansForeign").asInt()).isEqualTo(2);
            assertThat(alive(foreignPid)).isTrue();
            assertThat(alive(reusedPid)).isTrue();
            switch (policy) {
                case "reap" -> {
                    assertCounts(r.json(), 1, 0, 0);
                    assertThat(deadWithin(latePid)).isTrue();
                    assertThat(baseDir.resolve("late-orphan")).doesNotExist();
                }
                case "adopt" -> {
                    assertCounts(r.json(), 0, 1, 2);
                    assertThat(rest.get("/v1/boxes/late-orphan").json().path("state").asString()).isEqualTo("RUNNING");
                }
                default -> {
                    assertCounts(r.json(), 0, 0, 6);
                    assertThat(alive(latePid)).isTrue();
                }
            }
            assertThat(rest.get("/v1/reconcile/last").json().path("trigger").asString()).isEqualTo("api");
            System.out.printf("[orphans=%s] POST /v1/reconcile -> %s%n", policy, r.body());
            // A box made through the API carries this database's mark from the start.
            assertThat(rest.post("/v1/boxes", "{\"id\":\"api-made\",\"limits\":{\"pidsMax\":\"max\"}}").status()).isEqualTo(201);
            assertThat(mark(baseDir.resolve("api-made"))).contains(ours);
            jvm.stop();
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("boxd"), "sa", "");
                 var rs = c.createStatement().executeQuery("SELECT id FROM boxd_owner")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("the mark is the database's id").isEqualTo(ours);
            }
        } finally {
            cleanUp(jvm, baseDir, tmp);
        }
        assertThat(baseDir).doesNotExist();
        assertThat(Kernel.processesUnder(base)).isEmpty();
    }

    /**
     * A mark boxd cannot read (longer than any mark boxd writes: getxattr fails with ERANGE) tells
     * nobody whose box it is. Under the reap policy, at startup and on POST /v1/reconcile, such an
     * orphan is only reported and its process lives; a record whose cgroup carries one keeps its
     * box as it is, RUNNING, and the mark is not overwritten with this database's.
     */
    @Test
    void aBoxWhoseOwnerMarkCannotBeReadIsNeverReapedNorRemarked() throws Exception {
        String base = "boxd-orphans-unreadable-" + UUID.randomUUID().toString().substring(0, 8);
        Path baseDir = Kernel.mount().resolve(base);
        Path tmp = Files.createTempDirectory("boxd-orphans-unreadable-");
        Path data = tmp.resolve("data");
        String unreadable = "x".repeat(300);
        BoxdJvm jvm = new BoxdJvm(data, base, tmp.resolve("boxd.log"), List.of("--boxd.reconcile.orphans=reap"));
        try {
            Files.createDirectories(baseDir);
            long orphanPid = sleep(markAs(mk(baseDir, "unreadable-orphan"), unreadable));
            long claimedPid = sleep(markAs(mk(baseDir, "unreadable-claimed"), unreadable));
            long plainPid = sleep(mk(baseDir, "plain-orphan"));
            String url = "jdbc:h2:file:" + data.resolve("boxd") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
            Migrations.h2(url);
            try (Connection c = DriverManager.getConnection(url, "sa", "")) {
                insert(c, baseDir, "unreadable-claimed", "RUNNING");
            }

            jvm.start();
            Http rest = jvm.rest();
            String orphanPath = baseDir.resolve("unreadable-orphan").toString();
            JsonNode startup = rest.get("/v1/reconcile/last").json();
            assertCounts(startup, 1, 0, 1);
            Map<String, JsonNode> orphans = orphansOf(startup);
            assertThat(orphans).as("orphans in %s", startup).containsOnlyKeys(orphanPath, baseDir.resolve("plain-orphan").toString());
            assertThat(orphans.get(orphanPath).path("action").asString()).isEqualTo("reported");
            assertThat(pids(orphans.get(orphanPath))).containsExactly(orphanPid);
            assertThat(deadWithin(plainPid)).as("the unmarked orphan beside it is reaped, as the policy says").isTrue();
            assertThat(alive(orphanPid)).as("the orphan whose mark cannot be read keeps its process").isTrue();
            assertThat(baseDir.resolve("unreadable-orphan")).exists();
            assertThat(Files.readString(tmp.resolve("boxd.log")))
                    .contains("reconcile: cannot read the owner mark of orphan unreadable-orphan, so it is only reported");

            JsonNode claimed = rest.get("/v1/boxes/unreadable-claimed").json();
            assertThat(claimed.path("state").asString()).isEqualTo("RUNNING");
            assertThat(types(rest, "unreadable-claimed")).containsExactly("created");
            assertThat(alive(claimedPid)).isTrue();
            assertThat(mark(baseDir.resolve("unreadable-claimed"))).as("not remarked as this database's").contains(unreadable);
            assertThat(mark(baseDir.resolve("unreadable-orphan"))).contains(unreadable);

            JsonNode api = rest.post("/v1/reconcile", null).json();
            assertCounts(api, 0, 0, 1);
            assertThat(orphansOf(api)).as("orphans in %s", api).containsOnlyKeys(orphanPath);
            assertThat(orphansOf(api).get(orphanPath).path("action").asString()).isEqualTo("reported");
            assertThat(alive(orphanPid)).isTrue();
            assertThat(rest.get("/v1/boxes/unreadable-claimed").json().path("state").asString()).isEqualTo("RUNNING");
            assertThat(alive(claimedPid)).isTrue();
            jvm.stop();
        } finally {
            cleanUp(jvm, baseDir, tmp);
        }
        assertThat(baseDir).doesNotExist();
        assertThat(Kernel.processesUnder(base)).isEmpty();
    }

    /** boxd stopped, every planted process killed and reaped, the tree and the temp dir removed. */
    private void cleanUp(BoxdJvm jvm, Path baseDir, Path tmp) throws InterruptedException {
        jvm.close();
        for (Process p : planted) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        planted.clear();
        Kernel.killAndRemove(baseDir);
        Kernel.deleteTree(tmp);
    }

    // ---- planting --------------------------------------------------------------------------------

    private static Path mk(Path baseDir, String name) throws IOException {
        return Files.createDirectory(baseDir.resolve(name));
    }

    private static Path markAs(Path cgroup, String owner) throws IOException {
        Files.getFileAttributeView(cgroup, UserDefinedFileAttributeView.class)
                .write("boxd.owner", ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)));
        return cgroup;
    }

    /** The owner mark (user.boxd.owner) of a cgroup, read straight from the kernel. */
    private static java.util.Optional<String> mark(Path cgroup) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(cgroup, UserDefinedFileAttributeView.class);
        if (!view.list().contains("boxd.owner")) {
            return java.util.Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.allocate(view.size("boxd.owner"));
        view.read("boxd.owner", buf);
        return java.util.Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    }

    private long sleep(Path cgroup) throws IOException {
        Process p = Kernel.sleepIn(cgroup, "600");
        planted.add(p);
        return p.pid();
    }

    /** A record as boxd writes it, with a "created" event, straight into the H2 file. */
    private static void insert(Connection c, Path baseDir, String id, String state) throws SQLException {
        Path dir = baseDir.resolve(id);
        String enforced = JSON.writeValueAsString(Files.isDirectory(dir) ? readBack(dir) : Limits.NONE);
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO box (id, version, state, driver, cgroup_path, limits, "
                + "enforced, counters, created_at, updated_at) VALUES (?, 1, ?, 'cgroupfs', ?, ?, ?, NULL, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, state);
            ps.setString(3, dir.toString());
            ps.setString(4, "{\"pidsMax\":\"max\"}");
            ps.setString(5, enforced);
            ps.setTimestamp(6, now);
            ps.setTimestamp(7, now);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO box_event (box_id, type, occurred_at, detail) VALUES (?, 'created', ?, 'planted by the test')")) {
            ps.setString(1, id);
            ps.setTimestamp(2, now);
            ps.executeUpdate();
        }
    }

    /** What the kernel enforces in a cgroup, read here independently of boxd: every limit file that exists. */
    private static Limits readBack(Path dir) {
        Map<String, String> contents = new LinkedHashMap<>();
        for (String f : LimitPlan.FILES) {
            try {
                contents.put(f, Files.readString(dir.resolve(f)));
            } catch (IOException absent) {
                // this controller is not enabled here
            }
        }
        return LimitPlan.enforced(contents);
    }

    // ---- checks ----------------------------------------------------------------------------------

    private static void assertCounts(JsonNode report, int reaped, int adopted, int reported) {
        assertThat(report.path("orphansReaped").asInt()).as("orphansReaped in %s", report).isEqualTo(reaped);
        assertThat(report.path("orphansAdopted").asInt()).as("orphansAdopted in %s", report).isEqualTo(adopted);
        assertThat(report.path("orphansReported").asInt()).as("orphansReported in %s", report).isEqualTo(reported);
    }

    private static Map<String, JsonNode> orphansOf(JsonNode report) {
        Map<String, JsonNode> orphans = new LinkedHashMap<>();
        report.path("orphans").forEach(o -> orphans.put(o.path("path").asString(), o));
        return orphans;
    }

    private static List<Long> pids(JsonNode orphan) {
        List<Long> out = new ArrayList<>();
        orphan.path("pids").forEach(p -> out.add(p.asLong()));
        return out;
    }

    private static List<String> types(Http rest, String id) {
        return rest.events(id).stream().map(e -> e.path("type").asString()).toList();
    }

    private static boolean alive(long pid) {
        return Kernel.identify(pid).isPresent();
    }

    private static boolean deadWithin(long pid) {
        for (int i = 0; i < 100 && alive(pid); i++) {
            Kernel.sleep(20);
        }
        return !alive(pid);
    }

    /** Millis until the box shows {@code state}, or fails after {@code maxMillis}. */
    static long waitForState(Http rest, String id, String state, long maxMillis) {
        long t0 = System.nanoTime();
        while (true) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (state.equals(rest.get("/v1/boxes/" + id).json().path("state").asString())) {
                return ms;
            }
            if (ms > maxMillis) {
                throw new AssertionError(id + " did not become " + state + " within " + maxMillis + " ms");
            }
            Kernel.sleep(5);
        }
    }
}
