package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.boxd.box.BoxRules;
import io.boxd.testkit.Http.Reply;
import io.boxd.testkit.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The box lifecycle over HTTP in strict mode, on the real kernel. This host has no memory, cpu
 * or pids controller for boxes, so boxes ask for {@code pidsMax: "max"} (unlimited needs no
 * controller) and the unenforceable cases are the 422s.
 */
class BoxLifecycleApiTest extends RealServerTest {

    static final Sandbox sandbox = Sandbox.create("lifecycle").withDataDirOpenToOthers();

    Reply create(String id) {
        Reply r = http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"}}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r;
    }

    long spawnSleep(String id) {
        Reply r = http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"300\"]}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r.json().path("pid").asLong();
    }

    List<String> controllers() {
        List<String> out = new ArrayList<>();
        http.get("/v1/host").json().path("availableControllers").forEach(c -> out.add(c.asString()));
        return out;
    }

    static void awaitDead(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Sandbox.alive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Sandbox.alive(pid)).as("pid %d must be dead", pid).isFalse();
    }

    // ---- create ------------------------------------------------------------------------------

    @Test
    void createIs201WithLocationAndTheBox() {
        String id = unique("c");
        Reply r = http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"},\"labels\":{\"team\":\"a\"}}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.header("Location")).isEqualTo("/v1/boxes/" + id);
        JsonNode box = r.json();
        assertThat(box.path("id").asString()).isEqualTo(id);
        assertThat(box.path("state").asString()).isEqualTo("CREATED");
        assertThat(box.path("driver").asString()).isEqualTo("cgroupfs");
        assertThat(box.path("cgroupPath").asString()).isEqualTo(sandbox.boxDir(id).toString());
        assertThat(box.path("limits").path("pidsMax").asString()).isEqualTo("max");
        assertThat(box.path("labels").path("team").asString()).isEqualTo("a");
        assertThat(box.has("enforced")).isTrue();
        assertThat(Instant.parse(box.path("createdAt").asString())).isBeforeOrEqualTo(Instant.parse(box.path("updatedAt").asString()));
        assertThat(sandbox.boxDir(id)).isDirectory();
        assertThat(http.get("/v1/boxes/" + id).json().path("id").asString()).isEqualTo(id);
    }

    @Test
    void omittedIdIsGenerated() {
        Reply a = http.post("/v1/boxes", "{\"limits\":{\"pidsMax\":\"max\"}}");
        Reply b = http.post("/v1/boxes", "{\"limits\":{\"pidsMax\":\"max\"}}");
        assertThat(a.status()).as("%s", a).isEqualTo(201);
        assertThat(b.status()).as("%s", b).isEqualTo(201);
        String id = a.json().path("id").asString();
        assertThat(id).matches(BoxRules.ID).isNotEqualTo(b.json().path("id").asString());
        assertThat(a.header("Location")).isEqualTo("/v1/boxes/" + id);
        assertThat(sandbox.boxDir(id)).isDirectory();
    }

    @Test
    void duplicateIdIs409AndTheFirstBoxIsUntouched() {
        String id = unique("dup");
        Reply first = create(id);
        http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"},\"labels\":{\"x\":\"y\"}}")
                .problem(409, "box-exists");
        JsonNode now = http.get("/v1/boxes/" + id).json();
        assertThat(now.path("labels").has("x")).isFalse();
        assertThat(now.path("createdAt")).isEqualTo(first.json().path("createdAt"));
    }

    @Test
    void aProgramOrCwdTheTargetsUidCannotUseIs422AndRunsNothing() throws Exception {
        // boxd checks argv[0] and cwd as root; the target runs as 65534, which cannot enter this dir.
        Path rootOnly = Files.createTempDirectory(sandbox.dataDir(), "root-only");
        Path script = Files.writeString(rootOnly.resolve("job.sh"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        String id = unique("noexec");
        create(id);

        assertThat(http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"" + script + "\"]}")
                .problem(422, "exec-failed").json().path("detail").asString()).contains("exec " + script + ": Permission denied");
        assertThat(http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"true\"],\"cwd\":\"" + rootOnly + "\"}")
                .problem(422, "exec-failed").json().path("detail").asString()).contains("chdir " + rootOnly + ": Permission denied");
        assertThat(http.get("/v1/boxes/" + id + "/processes").json()).as("nothing runs in the box").isEmpty();
        assertThat(http.events(id)).extracting(e -> e.path("type").asString()).doesNotContain("process-started");
        assertThat(http.delete("/v1/boxes/" + id).status()).isEqualTo(204);
    }

    @Test
    void createOverAnOrphanCgroupIs409AndLeavesTheOrphanAlone() throws Exception {
        String id = unique("orphan");
        Path orphan = Files.createDirectory(sandbox.baseDir.resolve(id));
        Process sleeper = sandbox.track(new ProcessBuilder("sleep", "300").start());
        Files.writeString(orphan.resolve("cgroup.procs"), Long.toString(sleeper.pid()));

        http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"}}")
                .problem(409, "cgroup-exists");
        assertThat(http.get("/v1/boxes/" + id).status()).as("no record").isEqualTo(404);
        assertThat(Kernel.procs(orphan)).as("the orphan's process, untouched").containsExactly(sleeper.pid());
        sleeper.destroyForcibly().waitFor();
        assertThat(http.post("/v1/reconcile", "").json().path("orphansReaped").asInt()).isEqualTo(1);
        assertThat(http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"}}").status())
                .as("the id is free once reconciliation has reaped the orphan").isEqualTo(201);
    }

    @Test
    void concurrentCreatesOfOneIdGiveOne201AndOne409AndOneCgroup() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String id = unique("race");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Reply>> replies = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    replies.add(pool.submit(() -> {
                        go.await();
                        return http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"}}");
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Reply> f : replies) {
                    Reply r = f.get();
                    statuses.add(r.status());
                    if (r.status() == 409) {
                        r.problem(409, "box-exists");
                    }
                }
                assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(201, 409);
                assertThat(sandbox.boxDirs().stream().filter(d -> d.equals(id))).hasSize(1);
                assertThat(http.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("CREATED");
                assertThat(http.get("/v1/boxes/" + id + "/events").json().valueStream()
                        .filter(e -> e.path("type").asString().equals("created"))).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void strictCreateWithUnenforceableMemoryIs422AndLeavesNothing() {
        assumeFalse(controllers().contains("memory"), "this host has a memory controller; the 422 needs it missing");
        String id = unique("strict");
        Set0 before = new Set0(sandbox.boxDirs());
        Reply r = http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"memoryMaxBytes\":67108864,\"pidsMax\":\"max\"}}")
                .problem(422, "limit-not-enforceable");
        assertThat(r.json().path("missing").valueStream().map(m -> m.path("controller").asString()).toList()).contains("memory");
        JsonNode mem = r.json().path("missing").valueStream().filter(m -> m.path("controller").asString().equals("memory")).findFirst().orElseThrow();
        assertThat(mem.path("limit").asString()).isEqualTo("memoryMaxBytes");
        assertThat(mem.path("missingAt").asString()).isNotBlank();
        assertThat(r.json().path("detail").asString()).contains("memory");
        assertThat(sandbox.boxDir(id)).doesNotExist();
        assertThat(sandbox.boxDirs()).isEqualTo(before.dirs());
        http.get("/v1/boxes/" + id).problem(404, "box-not-found");
        http.get("/v1/boxes/" + id + "/events").problem(404, "box-not-found");
        // The id is free again: nothing half-made holds it.
        create(id);
    }

    /** Holder so the lambda-free assertion above reads clearly. */
    record Set0(java.util.Set<String> dirs) {
    }

    @Test
    void strictDefaultPidsMaxIs422WherePidsIsMissing() {
        assumeFalse(controllers().contains("pids"), "this host has a pids controller");
        String id = unique("defpids");
        Reply r = http.post("/v1/boxes", "{\"id\":\"" + id + "\"}").problem(422, "limit-not-enforceable");
        assertThat(r.json().path("missing").valueStream().map(m -> m.path("controller").asString()).toList()).contains("pids");
        assertThat(sandbox.boxDir(id)).doesNotExist();
    }

    @Test
    void strictPatchWithUnenforceableLimitIs422AndKeepsTheOldLimits() {
        assumeFalse(controllers().contains("memory"), "this host has a memory controller");
        String id = unique("patch");
        create(id);
        http.patch("/v1/boxes/" + id, "{\"limits\":{\"memoryMaxBytes\":67108864}}").problem(422, "limit-not-enforceable");
        JsonNode box = http.get("/v1/boxes/" + id).json();
        assertThat(box.path("limits").has("memoryMaxBytes")).as("%s", box).isFalse();
        assertThat(sandbox.boxDir(id)).isDirectory();
    }

    @Test
    void patchWithEnforceableLimitsIs200AndRecordsAnEvent() {
        String id = unique("patchok");
        create(id);
        // "max" needs no controller, so strict mode on this host takes it; the box had no memoryMaxBytes.
        Reply r = http.patch("/v1/boxes/" + id, "{\"limits\":{\"memoryMaxBytes\":\"max\"}}");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("limits").path("memoryMaxBytes").asString()).isEqualTo("max");
        assertThat(r.json().path("limits").path("pidsMax").asString()).as("left out, so kept").isEqualTo("max");
        assertThat(types(id)).containsExactly("created", "limits-changed");
    }

    // ---- processes ---------------------------------------------------------------------------

    @Test
    void spawnIs201AndTheProcessIsInTheBox() throws Exception {
        String id = unique("spawn");
        create(id);
        Reply r = http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"300\"],\"env\":{\"A\":\"b\"},\"cwd\":\"/tmp\"}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        long pid = r.json().path("pid").asLong();
        assertThat(pid).isPositive();
        assertThat(r.json().path("argv").valueStream().map(JsonNode::asString).toList()).containsExactly("sleep", "300");
        assertThat(Instant.parse(r.json().path("startedAt").asString())).isBeforeOrEqualTo(Instant.now());
        assertThat(Sandbox.cgroupOf(pid)).isEqualTo("/" + sandbox.base + "/" + id);
        // 201 comes once the process is placed; the wrapper then execs setpriv and the target.
        String cmdline = "";
        for (int i = 0; i < 500 && !cmdline.equals("sleep 300"); i++) {
            cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').trim();
            if (!cmdline.equals("sleep 300")) {
                Thread.sleep(10);
            }
        }
        assertThat(cmdline).isEqualTo("sleep 300");
        JsonNode procs = http.get("/v1/boxes/" + id + "/processes").json();
        assertThat(procs.valueStream().filter(p -> p.path("pid").asLong() == pid).map(p -> p.path("command").asString()).toList())
                .containsExactly("sleep 300");
        assertThat(http.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("RUNNING");
        Reply killed = http.post("/v1/boxes/" + id + "/kill", null);
        assertThat(killed.status()).as("%s", killed).isEqualTo(200);
        assertThat(killed.json().path("id").asString()).isEqualTo(id);
        awaitDead(pid);
        assertThat(http.get("/v1/boxes/" + id + "/processes").json().size()).isZero();
    }

    /** The box's log once it holds {@code marker}, read as root; fails after 5 s. */
    String awaitLog(String id, String marker) throws Exception {
        Path log = sandbox.dataDir().resolve("logs").resolve(id + ".log");
        String text = "";
        for (int i = 0; i < 250 && !text.contains(marker); i++) {
            Thread.sleep(20);
            text = Files.exists(log) ? Files.readString(log) : "";
        }
        assertThat(text).as("log of %s", id).contains(marker);
        return text;
    }

    @Test
    void aBoxCannotReadAnotherBoxsLogOrTheDatabase() throws Exception {
        String a = unique("reader");
        String b = unique("secret");
        create(a);
        create(b);
        assertThat(http.post("/v1/boxes/" + b + "/processes", "{\"argv\":[\"echo\",\"secret-of-b\"]}").status()).isEqualTo(201);
        awaitLog(b, "secret-of-b");
        Path data = sandbox.dataDir();
        // The sandbox made the data dir rwxr-xr-x, as mkdir -p data does; boxd closed it at start.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("logs")))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("logs/" + b + ".log")))).isEqualTo("rw-r-----");
        String script = "cat " + data + "/logs/" + b + ".log; head -c 16 " + data + "/boxd.mv.db; echo; echo done";
        Reply r = http.post("/v1/boxes/" + a + "/processes", "{\"argv\":[\"sh\",\"-c\",\"" + script + "\"]}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        String seen = awaitLog(a, "done");
        assertThat(seen).doesNotContain("secret-of-b").doesNotContain("H:2").contains("Permission denied");
    }

    @Test
    void aProcessGivenNoCwdStartsInTheRootDirectory() throws Exception {
        String id = unique("cwd");
        create(id);
        assertThat(http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sh\",\"-c\",\"pwd; echo done\"]}").status()).isEqualTo(201);
        assertThat(awaitLog(id, "done")).isEqualTo("/\ndone\n");
    }

    @Test
    void spawnArgvIsValidatedBeforeAnythingRuns() {
        String id = unique("argv");
        create(id);
        String p = "/v1/boxes/" + id + "/processes";
        http.post(p, "{\"argv\":[]}").badField("invalid-request", "argv");
        http.post(p, "{\"argv\":[\"no-such-program-" + UUID.randomUUID() + "\"]}").badField("invalid-request", "argv[0]");
        http.post(p, "{\"argv\":[\"/etc/passwd\"]}").badField("invalid-request", "argv[0]");
        http.post(p, "{\"argv\":[\"sleep\",\"1\"],\"cwd\":\"/etc/passwd\"}").badField("invalid-request", "cwd");
        http.post(p, "{\"argv\":[\"sleep\",\"1\"],\"cwd\":\"/no/such/dir\"}").badField("invalid-request", "cwd");
        http.post(p, "{\"argv\":[\"sleep\",\"1\"],\"cwd\":\"relative\"}").badField("invalid-request", "cwd");
        http.post(p, "{\"argv\":[\"sleep\",\"1\"],\"uid\":-1}").badField("invalid-request", "uid");
        http.post(p, "{\"argv\":[\"sleep\",\"1\"],\"gid\":-1}").badField("invalid-request", "gid");
        http.post(p, "{\"argv\":[\"sleep\",\"1\"],\"env\":{\"1BAD\":\"x\"}}").badField("invalid-request", "env");
        assertThat(http.get(p).json().size()).isZero();
        assertThat(types(id)).doesNotContain("process-started");
        assertThat(http.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("CREATED");
    }

    @Test
    void adoptMovesARealProcessIntoTheBox() throws Exception {
        String id = unique("adopt");
        create(id);
        Process sleep = sandbox.track(new ProcessBuilder("sleep", "300").start());
        String before = Sandbox.cgroupOf(sleep.pid());
        assertThat(before).isNotEqualTo("/" + sandbox.base + "/" + id);
        Reply r = http.post("/v1/boxes/" + id + "/processes/adopt", "{\"pid\":" + sleep.pid() + "}");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("id").asString()).isEqualTo(id);
        assertThat(r.json().path("state").asString()).isEqualTo("RUNNING");
        assertThat(Sandbox.cgroupOf(sleep.pid())).isEqualTo("/" + sandbox.base + "/" + id);
        assertThat(types(id)).contains("process-adopted");
        http.post("/v1/boxes/" + id + "/kill", null);
        assertThat(sleep.waitFor(5, TimeUnit.SECONDS)).as("the adopted sleep dies with the box").isTrue();
    }

    @Test
    void adoptingAProcessAlreadyInTheBoxLeavesItAndRecordsNothingMore() throws Exception {
        String id = unique("adopt2");
        create(id);
        Process sleep = sandbox.track(new ProcessBuilder("sleep", "300").start());
        String p = "/v1/boxes/" + id + "/processes";
        for (int i = 0; i < 2; i++) {
            Reply r = http.post(p + "/adopt", "{\"pid\":" + sleep.pid() + "}");
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            assertThat(r.json().path("state").asString()).isEqualTo("RUNNING");
        }
        Reply spawned = http.post(p, "{\"argv\":[\"sleep\",\"300\"]}");
        assertThat(spawned.status()).as("%s", spawned).isEqualTo(201);
        Reply again = http.post(p + "/adopt", "{\"pid\":" + spawned.json().path("pid").asLong() + "}");
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(Sandbox.cgroupOf(sleep.pid())).isEqualTo("/" + sandbox.base + "/" + id);
        assertThat(types(id)).containsExactly("created", "process-adopted", "process-started");
        http.post("/v1/boxes/" + id + "/kill", null);
        assertThat(sleep.waitFor(5, TimeUnit.SECONDS)).as("the adopted sleep dies with the box").isTrue();
    }

    @Test
    void adoptOfANonexistentPidIs404() throws Exception {
        String id = unique("adopt404");
        create(id);
        // A pid that just existed and was reaped: pids are handed out upwards, so it stays free.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long pid = gone.pid();
        assertThat(Path.of("/proc/" + pid)).doesNotExist();
        Reply r = http.post("/v1/boxes/" + id + "/processes/adopt", "{\"pid\":" + pid + "}").problem(404, "process-not-found");
        assertThat(r.json().path("detail").asString()).contains(Long.toString(pid));
        assertThat(http.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("CREATED");
    }

    @Test
    void adoptOfInitOrOfBoxdItselfIs422AndMovesNothing() throws Exception {
        String id = unique("adopt422");
        create(id);
        // The server runs in this JVM: its pid is boxd's.
        for (long pid : new long[] {1, ProcessHandle.current().pid()}) {
            String before = Sandbox.cgroupOf(pid);
            Reply r;
            try {
                r = http.post("/v1/boxes/" + id + "/processes/adopt", "{\"pid\":" + pid + "}");
            } finally {
                String now = Sandbox.cgroupOf(pid);
                if (!before.equals(now)) { // put it back before anything could kill the box
                    Files.writeString(io.boxd.testkit.Kernel.mount().resolve(before.substring(1)).resolve("cgroup.procs"), Long.toString(pid));
                }
                assertThat(now).as("pid %d's cgroup", pid).isEqualTo(before);
            }
            r.problem(422, "process-not-adoptable");
            assertThat(r.json().path("detail").asString()).contains("pid " + pid);
        }
        assertThat(http.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("CREATED");
        assertThat(types(id)).doesNotContain("process-adopted");
    }

    // ---- delete ------------------------------------------------------------------------------

    @Test
    void deleteWithLiveProcessesIs409UnlessForced() throws Exception {
        String id = unique("del");
        create(id);
        long pid = spawnSleep(id);
        Reply conflict = http.delete("/v1/boxes/" + id).problem(409, "box-has-processes");
        assertThat(conflict.json().path("detail").asString()).contains("force=true");
        http.delete("/v1/boxes/" + id + "?force=false").problem(409, "box-has-processes");
        // force given twice is no force: Spring took the first, where a proxy may read the last.
        Map<String, String> refused = Map.of(
                "force=false&force=true", "must be given once, was given 2 times",
                "force=true&force=false", "must be given once, was given 2 times",
                "force=yes", "must be a boolean (true or false), was 'yes'");
        refused.forEach((query, message) -> {
            Reply r = http.delete("/v1/boxes/" + id + "?" + query).badField("invalid-request", "force");
            assertThat(r.json().path("errors").path(0).path("message").asString()).as(query).isEqualTo(message);
        });
        http.delete("/v1/boxes/" + id + "?force=False").problem(409, "box-has-processes");
        assertThat(Sandbox.alive(pid)).isTrue();
        assertThat(sandbox.boxDir(id)).isDirectory();

        Reply gone = http.delete("/v1/boxes/" + id + "?force=true");
        assertThat(gone.status()).as("%s", gone).isEqualTo(204);
        assertThat(gone.body()).isEmpty();
        awaitDead(pid);
        assertThat(sandbox.boxDir(id)).doesNotExist();
        JsonNode box = http.get("/v1/boxes/" + id).json();
        assertThat(box.path("state").asString()).isEqualTo("REMOVED");
        List<String> types = types(id);
        assertThat(types.get(0)).isEqualTo("created");
        assertThat(types).containsSubsequence("created", "process-started", "removed");
        assertThat(types.get(types.size() - 1)).isEqualTo("removed");
        // Deleting again changes nothing; the record stays.
        Reply again = http.delete("/v1/boxes/" + id);
        assertThat(again.status()).as("%s", again).isIn(204, 404);
        assertThat(http.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("REMOVED");
    }

    /**
     * A process the kill cannot reach in time: frozen by this hybrid host's cgroup v1 freezer,
     * which a SIGKILL does not thaw. The forced delete fails after the kill timeout, and the box is
     * a live box again, not a REMOVING one that kill, stop and a plain delete would all refuse.
     */
    @Test
    void aForcedDeleteWhoseKillFailsLeavesALiveBoxThatCanBeDeletedLater() throws Exception {
        Path v1 = Path.of("/sys/fs/cgroup/freezer");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(v1.resolve("tasks")) && !Files.exists(v1.resolve("cgroup.controllers")),
                "no cgroup v1 freezer here to hold a process against SIGKILL");
        String id = unique("stuck");
        create(id);
        long pid = spawnSleep(id);
        Path freezer = Files.createDirectory(v1.resolve("boxd-test-" + id));
        try {
            Files.writeString(freezer.resolve("cgroup.procs"), Long.toString(pid));
            Files.writeString(freezer.resolve("freezer.state"), "FROZEN");
            for (int i = 0; i < 200 && !Files.readString(freezer.resolve("freezer.state")).trim().equals("FROZEN"); i++) {
                Thread.sleep(10);
            }
            Reply failed = http.delete("/v1/boxes/" + id + "?force=true");
            assertThat(failed.status()).as("%s", failed).isEqualTo(500);
            failed.problem(500, "driver-error");
            JsonNode box = http.get("/v1/boxes/" + id).json();
            assertThat(box.path("state").asString()).as("after the failed delete").isEqualTo("RUNNING");
            assertThat(types(id)).endsWith("delete-failed");
            assertThat(http.get("/v1/boxes/" + id + "/processes").json().findValues("pid")).extracting(JsonNode::asLong).containsExactly(pid);
            http.delete("/v1/boxes/" + id).problem(409, "box-has-processes");
            assertThat(sandbox.boxDir(id)).isDirectory();
        } finally {
            Files.writeString(freezer.resolve("freezer.state"), "THAWED");
            for (int i = 0; i < 250 && Sandbox.alive(pid); i++) {
                Thread.sleep(20);   // killed while frozen: it dies as it thaws
            }
            Files.deleteIfExists(freezer);
        }
        Reply gone = http.delete("/v1/boxes/" + id + "?force=true");
        assertThat(gone.status()).as("%s", gone).isEqualTo(204);
        assertThat(http.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("REMOVED");
        assertThat(types(id)).containsSubsequence("process-started", "delete-failed", "removed");
    }

    @Test
    void deleteOfAnEmptyBoxIs204WithoutForce() {
        String id = unique("delempty");
        create(id);
        Reply r = http.delete("/v1/boxes/" + id);
        assertThat(r.status()).as("%s", r).isEqualTo(204);
        assertThat(sandbox.boxDir(id)).doesNotExist();
        http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"1\"]}").problem(409, "box-not-live");
    }

    @Test
    void stopTerminatesAndReportsStopped() throws Exception {
        String id = unique("stop");
        create(id);
        long pid = spawnSleep(id);
        Reply r = http.post("/v1/boxes/" + id + "/stop", "{\"graceSeconds\":1}");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("state").asString()).isEqualTo("STOPPED");
        awaitDead(pid);
        assertThat(types(id)).contains("stopped");
        // sleep dies of SIGTERM well inside the grace period: the history must not claim a kill.
        String detail = http.get("/v1/boxes/" + id + "/events").json().valueStream()
                .filter(e -> e.path("type").asString().equals("stopped")).findFirst().orElseThrow().path("detail").asString();
        assertThat(detail).startsWith("SIGTERM to 1 process; the box was empty after").doesNotContain("kill");
    }

    @Test
    void aProcessWhoseMainThreadHasExitedIsStoppedAndKilledLikeAnyOther() throws Exception {
        String argv = JsonMapper.builder().build().writeValueAsString(Map.of("argv", Kernel.mainThreadExits()));
        String id = unique("mainexit");
        create(id);
        for (String end : List.of("stop", "delete")) {
            Reply r = http.post("/v1/boxes/" + id + "/processes", argv);
            assertThat(r.status()).as("%s", r).isEqualTo(201);
            long pid = r.json().path("pid").asLong();
            Path proc = Path.of("/proc/" + pid);
            Kernel.awaitMainThreadExited(pid);
            assertThat(http.get("/v1/boxes/" + id + "/processes").json().valueStream().map(n -> n.path("command").asString()).toList())
                    .as("listed with its command line, which the zombie main thread no longer shows").singleElement()
                    .satisfies(c -> assertThat(c).startsWith("perl -Mthreads -e"));
            if (end.equals("stop")) {
                Reply stopped = http.post("/v1/boxes/" + id + "/stop", "{\"graceSeconds\":2}");
                assertThat(stopped.status()).as("%s", stopped).isEqualTo(200);
            } else {
                assertThat(http.delete("/v1/boxes/" + id + "?force=true").status()).isEqualTo(204);
                assertThat(sandbox.boxDir(id)).doesNotExist();
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Files.exists(proc) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(proc).as("after the " + end + ", no thread of pid %d is left", pid).doesNotExist();
        }
    }

    @Test
    void aLongArgvIsCutInTheHistoryButWhoItRunsAsIsNot() {
        String id = unique("longargv");
        create(id);
        String big = "x".repeat(4096);
        assertThat(http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"true\",\"" + big + "\"]}").status()).isEqualTo(201);
        String detail = http.events(id).stream().filter(e -> e.path("type").asString().equals("process-started"))
                .findFirst().orElseThrow().path("detail").asString();
        assertThat(detail).contains(" as uid 65534 gid 65534 argv [true, xxx").endsWith("characters, cut to fit)");
    }

    @Test
    void aBoxWhoseCgroupWasRemovedOutsideBoxdIsLostAndRefusesEveryKernelRequest() throws Exception {
        String id = unique("vanished");
        create(id);
        Files.delete(sandbox.boxDir(id));   // rmdir, behind boxd's back

        for (String[] req : new String[][] {{"POST", "/processes", "{\"argv\":[\"true\"]}"}, {"POST", "/kill", ""},
                {"GET", "/stats", null}, {"PATCH", "", "{\"limits\":{\"pidsMax\":\"max\"}}"}, {"POST", "/stop", ""}}) {
            Reply r = http.send(req[0], "/v1/boxes/" + id + req[1], req[2]);
            assertThat(r.status()).as("%s %s: %s", req[0], req[1], r).isEqualTo(409);
            assertThat(r.json().path("type").asString()).endsWith("box-not-live");
        }
        assertThat(http.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("LOST");
        assertThat(types(id)).as("no kill or stop that never happened").containsExactly("created", "lost");
        assertThat(http.delete("/v1/boxes/" + id).status()).isEqualTo(204);
        assertThat(http.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("REMOVED");
        assertThat(types(id)).containsExactly("created", "lost", "removed");
    }

    @Test
    void aPatchThatChangesNothingAddsNoEvent() {
        String id = unique("samepatch");
        create(id);
        assertThat(http.patch("/v1/boxes/" + id, "{\"limits\":{}}").status()).isEqualTo(200);
        assertThat(http.patch("/v1/boxes/" + id, "{\"limits\":{\"pidsMax\":\"max\"}}").status()).isEqualTo(200);
        assertThat(types(id)).containsExactly("created");
    }

    /** A box whose shell ignores SIGTERM and keeps starting sleeps: a stop runs its whole grace period. */
    private String stubbornBox(String prefix) {
        String id = unique(prefix);
        create(id);
        assertThat(http.post("/v1/boxes/" + id + "/processes",
                "{\"argv\":[\"/bin/sh\",\"-c\",\"trap '' TERM; while :; do sleep 1; done\"]}").status()).isEqualTo(201);
        return id;
    }

    /** Sends a stop with a 120 s grace, does {@code meanwhile} once it waits, and returns its answer. */
    private Reply duringALongStop(String id, Runnable meanwhile) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Reply> stop = pool.submit(() -> http.post("/v1/boxes/" + id + "/stop", "{\"graceSeconds\":120}"));
            Thread.sleep(500); // the stop has signalled and waits
            meanwhile.run();
            Reply stopped = stop.get(10, TimeUnit.SECONDS);
            assertThat(stopped.status()).as("%s", stopped).isEqualTo(200);
            return stopped;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKillDuringALongStopEndsItAtOnce() throws Exception {
        String id = stubbornBox("stopkill");
        Reply stopped = duringALongStop(id, () -> {
            long t0 = System.nanoTime();
            Reply kill = http.post("/v1/boxes/" + id + "/kill", "");
            assertThat(kill.status()).as("%s", kill).isEqualTo(200);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms the kill took").isLessThan(5_000);
        });
        assertThat(stopped.json().path("state").asString()).isEqualTo("STOPPED");
        assertThat(Kernel.procs(sandbox.boxDir(id))).isEmpty();
        assertThat(types(id)).containsSubsequence("killed", "stopped");
    }

    @Test
    void aForcedDeleteDuringALongStopRemovesTheBox() throws Exception {
        String id = stubbornBox("stopdel");
        Reply stopped = duringALongStop(id, () -> assertThat(http.delete("/v1/boxes/" + id + "?force=true").status()).isEqualTo(204));
        assertThat(stopped.json().path("state").asString()).isEqualTo("REMOVED");
        assertThat(sandbox.boxDir(id)).doesNotExist();
        assertThat(types(id)).as("no stop recorded after the removal").endsWith("removed");
    }

    // ---- reads -------------------------------------------------------------------------------

    @Test
    void eventsAreOldestFirst() {
        String id = unique("ev");
        create(id);
        spawnSleep(id);
        http.post("/v1/boxes/" + id + "/kill", null);
        http.delete("/v1/boxes/" + id);
        JsonNode events = http.get("/v1/boxes/" + id + "/events").json();
        assertThat(events.isArray()).isTrue();
        List<String> types = events.valueStream().map(e -> e.path("type").asString()).toList();
        assertThat(types).containsSubsequence("created", "process-started", "killed", "removed");
        Instant last = Instant.EPOCH;
        long lastId = Long.MIN_VALUE;
        for (JsonNode e : events) {
            Instant at = Instant.parse(e.path("at").asString());
            assertThat(at).as("%s", events).isAfterOrEqualTo(last);
            assertThat(e.path("id").asLong()).isGreaterThan(lastId);
            assertThat(e.path("boxId").asString()).isEqualTo(id);
            last = at;
            lastId = e.path("id").asLong();
        }
    }

    @Test
    void statsShowOnlyWhatTheKernelHas() {
        String id = unique("stats");
        create(id);
        spawnSleep(id);
        List<String> controllers = controllers();
        Reply r = http.get("/v1/boxes/" + id + "/stats");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode s = r.json();
        // cpu.stat exists in every v2 cgroup; usage is always there.
        assertThat(s.path("cpu").path("usageMicros").isIntegralNumber()).as("%s", s).isTrue();
        assertThat(s.path("cpu").path("userMicros").isIntegralNumber()).isTrue();
        assertThat(s.path("cpu").path("systemMicros").isIntegralNumber()).isTrue();
        if (!controllers.contains("cpu")) {
            // nr_throttled lives in cpu.stat only with the cpu controller: absent, not 0.
            assertThat(s.path("cpu").has("nrThrottled")).as("%s", s).isFalse();
            assertThat(s.path("cpu").has("throttledMicros")).as("%s", s).isFalse();
        }
        if (!controllers.contains("memory")) {
            assertThat(s.has("memory")).as("no memory.* files, so no memory: %s", s).isFalse();
        }
        if (!controllers.contains("pids")) {
            assertThat(s.has("pids")).as("no pids.* files, so no pids: %s", s).isFalse();
        }
        assertNoNullsOrNegatives(s);
    }

    private static void assertNoNullsOrNegatives(JsonNode n) {
        n.properties().forEach(e -> {
            assertThat(e.getValue().isNull()).as("field %s is null", e.getKey()).isFalse();
            if (e.getValue().isNumber()) {
                assertThat(e.getValue().asLong()).as(e.getKey()).isNotNegative();
            }
            assertNoNullsOrNegatives(e.getValue());
        });
    }

    @Test
    void listFiltersByStateAndLabelsAndPages() {
        String run = unique("run");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = unique("l" + i);
            ids.add(id);
            Reply r = http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"},\"labels\":{\"run\":\""
                    + run + "\",\"parity\":\"" + (i % 2 == 0 ? "even" : "odd") + "\"}}");
            assertThat(r.status()).as("%s", r).isEqualTo(201);
        }
        http.delete("/v1/boxes/" + ids.get(0));

        JsonNode all = http.get("/v1/boxes?label=run=" + run).json();
        assertThat(all.path("total").asLong()).isEqualTo(5);
        assertThat(all.path("page").asInt()).isZero();
        assertThat(all.path("size").asInt()).isEqualTo(50);
        assertThat(all.path("items").valueStream().map(b -> b.path("id").asString()).toList()).containsExactlyInAnyOrderElementsOf(ids);

        JsonNode even = http.get("/v1/boxes?label=run=" + run + "&label=parity=even").json();
        assertThat(even.path("total").asLong()).isEqualTo(3);
        assertThat(even.path("items").valueStream().map(b -> b.path("labels").path("parity").asString()).distinct().toList())
                .containsExactly("even");

        JsonNode removed = http.get("/v1/boxes?state=REMOVED&label=run=" + run).json();
        assertThat(removed.path("total").asLong()).isEqualTo(1);
        assertThat(removed.path("items").get(0).path("id").asString()).isEqualTo(ids.get(0));
        JsonNode created = http.get("/v1/boxes?state=created&label=run=" + run).json();
        assertThat(created.path("total").asLong()).isEqualTo(4);

        List<String> paged = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            JsonNode p = http.get("/v1/boxes?label=run=" + run + "&size=2&page=" + page).json();
            assertThat(p.path("total").asLong()).isEqualTo(5);
            assertThat(p.path("page").asInt()).isEqualTo(page);
            assertThat(p.path("size").asInt()).isEqualTo(2);
            assertThat(p.path("items").size()).isEqualTo(page < 2 ? 2 : 1);
            p.path("items").forEach(b -> paged.add(b.path("id").asString()));
        }
        assertThat(paged).containsExactlyInAnyOrderElementsOf(ids);
        JsonNode beyond = http.get("/v1/boxes?label=run=" + run + "&size=2&page=9").json();
        assertThat(beyond.path("items").size()).isZero();
        assertThat(beyond.path("total").asLong()).isEqualTo(5);
        assertThat(http.get("/v1/boxes?label=run=nothing-" + run).json().path("total").asLong()).isZero();
    }

    @Test
    void labelFilterTakesEachValueWholeCommasIncludedAndARepeatedKeyMustMatchEveryValue() {
        String key = unique("k");
        List<String> ids = new ArrayList<>();
        for (String labels : List.of("\"" + key + "\":\"a,b\"", "\"" + key + "\":\"a\",\"b\":\"c\"", "\"" + key + "\":\"a,b=c\"")) {
            String id = unique("lv");
            ids.add(id);
            Reply r = http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"},\"labels\":{" + labels + "}}");
            assertThat(r.status()).as("%s", r).isEqualTo(201);
        }
        assertThat(listed("label=" + key + "=a,b")).as("a value with a comma").containsExactly(ids.get(0));
        assertThat(listed("label=" + key + "=a,b=c")).as("one value, not %s=a and b=c", key).containsExactly(ids.get(2));
        assertThat(listed("label=" + key + "=a")).containsExactly(ids.get(1));
        assertThat(listed("label=" + key + "=a&label=" + key + "=a")).as("the same pair twice").containsExactly(ids.get(1));
        assertThat(listed("label=" + key + "=a&label=" + key + "=a,b")).as("no box has two values for one key").isEmpty();
        assertThat(listed("label=" + key + "=a,b&label=" + key + "=a")).isEmpty();
    }

    private List<String> listed(String query) {
        Reply r = http.get("/v1/boxes?" + query);
        assertThat(r.status()).as("%s: %s", query, r).isEqualTo(200);
        assertThat(r.json().path("total").asLong()).as("%s: %s", query, r).isEqualTo(r.json().path("items").size());
        return r.json().path("items").valueStream().map(b -> b.path("id").asString()).toList();
    }

    @Test
    void hostShowsTheRealMountBaseAndControllers() throws Exception {
        Reply r = http.get("/v1/host");
        assertThat(r.status()).isEqualTo(200);
        JsonNode h = r.json();
        assertThat(h.path("cgroupMount").asString()).isEqualTo(sandbox.mount.toString());
        assertThat(h.path("cgroupBase").asString()).isEqualTo(sandbox.base);
        List<String> kernel = List.of(Files.readString(sandbox.mount.resolve("cgroup.controllers")).trim().split("\\s+"));
        assertThat(controllers()).containsExactlyInAnyOrderElementsOf(kernel.stream().filter(c -> !c.isEmpty()).toList());
        assertThat(h.path("boxControllers").isArray()).isTrue();
        h.path("boxControllers").forEach(c -> assertThat(kernel).contains(c.asString()));
        assertThat(h.path("enforcement").asString()).isEqualTo("strict");
        assertThat(h.path("driver").asString()).isEqualTo("cgroupfs");
        String id = unique("host");
        create(id);
        assertThat(h.path("cgroupKill").asBoolean()).isEqualTo(Files.exists(sandbox.boxDir(id).resolve("cgroup.kill")));
    }

    private List<String> types(String id) {
        return http.get("/v1/boxes/" + id + "/events").json().valueStream().map(e -> e.path("type").asString()).toList();
    }
}
