package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Http;
import io.boxd.testkit.Http.Reply;
import io.boxd.testkit.Kernel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Authentication, roles, the audit trail and the spawn identity on the real server and kernel,
 * with tokens on (overriding the test classpath's insecure mode).
 */
@ExtendWith(TestBoxCleanup.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "boxd.security.mode=tokens",
        "boxd.security.tokens=admin:" + SecurityHttpTest.OP + ":operator,watcher:" + SecurityHttpTest.VW + ":viewer",
        "boxd.spawn.allowed-uids=4242",
        "boxd.spawn.allowed-gids=4343",
        // placement waits for the wrapper to write cgroup.procs; a loaded CI machine needs more than 2 s
        "boxd.cgroup.attach-timeout=15s"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SecurityHttpTest {

    static final String OP = "op-" + "5f0c7d1e9a2b4c6d8e0f1a2b";
    static final String VW = "vw-" + "0a9b8c7d6e5f4a3b2c1d0e9f";
    static final String NO_PIDS = "\"limits\":{\"pidsMax\":\"max\"}";

    static final TestBox world = new TestBox("security");

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        world.settings().forEach((k, v) -> r.add(k, () -> v));
    }

    @LocalServerPort
    int port;
    Http anonymous;
    Http operator;
    Http viewer;

    @BeforeEach
    void clients() {
        anonymous = new Http(port);
        operator = anonymous.as(OP);
        viewer = anonymous.as(VW);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String create() {
        String id = unique("sec");
        Reply r = operator.post("/v1/boxes", "{\"id\":\"" + id + "\"," + NO_PIDS + "}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return id;
    }

    @Test
    void probesArePublicAndEverythingElseNeedsAToken() {
        List<String> before = world.boxDirsOrEmpty();
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
        for (String p : List.of("/v1/boxes", "/v1/host", "/v1/boxes/x/events", "/actuator/health", "/actuator/info", "/nope")) {
            Reply r = anonymous.get(p).problem(401, "unauthorized");
            assertThat(r.header("WWW-Authenticate")).as(p).isEqualTo("Bearer realm=\"boxd\"");
        }
        anonymous.post("/v1/boxes", "{" + NO_PIDS + "}").problem(401, "unauthorized");
        anonymous.post("/v1/reconcile", null).problem(401, "unauthorized");
        assertThat(world.boxDirsOrEmpty()).isEqualTo(before);
    }

    @Test
    void publicProbesTellTheirStatusButNotTheHost() {
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            Reply r = anonymous.get(probe);
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            assertThat(r.body()).as(probe).doesNotContain("\"details\"", world.baseDir.getFileName().toString(), "controllers");
        }
        assertThat(anonymous.get("/actuator/health/readiness").json().path("components").path("cgroup").path("status").asString())
                .isEqualTo("UP");
        Reply full = viewer.get("/actuator/health");
        assertThat(full.json().path("components").path("cgroup").path("details").path("base").asString()).as("%s", full)
                .isEqualTo(world.baseDir.getFileName().toString());
    }

    @Test
    void aWrongTokenIs401AndAViewerMayOnlyRead() {
        Reply bad = anonymous.as("not-a-token-0123456789").get("/v1/boxes").problem(401, "unauthorized");
        assertThat(bad.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(viewer.get("/v1/boxes").status()).isEqualTo(200);
        assertThat(viewer.get("/actuator/health").status()).isEqualTo(200);
        Reply denied = viewer.post("/v1/boxes", "{" + NO_PIDS + "}").problem(403, "forbidden");
        assertThat(denied.json().path("detail").asString()).contains("watcher", "viewer", "operator");
        String id = create();
        viewer.post("/v1/boxes/" + id + "/kill", null).problem(403, "forbidden");
        viewer.delete("/v1/boxes/" + id + "?force=true").problem(403, "forbidden");
        assertThat(viewer.get("/v1/boxes/" + id).json().path("state").asString()).isEqualTo("CREATED");
        operator.delete("/v1/boxes/" + id + "?force=true");
    }

    /** As a client reads them: bare problem+json (no charset) with its byte length, and nothing but the problem. */
    @Test
    void refusalsAreBareProblemJsonWithTheirLength() {
        Reply none = anonymous.get("/v1/boxes");
        isRefusal(none, 401, """
                {"type": "urn:boxd:problem:unauthorized", "title": "Unauthorized", "status": 401,
                 "detail": "this request needs a token: send the header 'Authorization: Bearer <token>'",
                 "instance": "/v1/boxes"}""");
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"boxd\"");
        Reply head = anonymous.send("HEAD", "/v1/boxes", null);
        assertThat(head.status()).isEqualTo(401);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("Content-Length")).isEqualTo(none.header("Content-Length"));
        Reply denied = viewer.post("/v1/boxes", "{}");
        isRefusal(denied, 403, """
                {"type": "urn:boxd:problem:forbidden", "title": "Forbidden", "status": 403,
                 "detail": "the token 'watcher' has the role viewer, which may only read (GET, HEAD); POST needs the role operator",
                 "instance": "/v1/boxes"}""");
        assertThat(denied.header("WWW-Authenticate")).isNull();
    }

    static void isRefusal(Reply r, int status, String expected) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(r.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(r.json()).isEqualTo(Http.JSON.readTree(expected));
    }

    @Test
    void theHistoryNamesTheTokenNeverTheToken() throws Exception {
        String id = create();
        Reply spawned = operator.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"true\"]}");
        assertThat(spawned.status()).as("%s", spawned).isEqualTo(201);
        // exit detection is boxd's own work
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!events(id).toString().contains("\"exited\"") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(operator.delete("/v1/boxes/" + id).status()).isEqualTo(204);
        JsonNode events = events(id);
        Map<String, String> actors = new java.util.LinkedHashMap<>();
        events.forEach(e -> actors.put(e.path("type").asString(), e.path("actor").asString()));
        assertThat(actors).containsEntry("created", "admin").containsEntry("process-started", "admin")
                .containsEntry("exited", "boxd").containsEntry("removed", "admin");
        assertThat(events.toString()).doesNotContain(OP).doesNotContain(VW);
        assertThat(viewer.get("/v1/boxes/" + id + "/events").body()).doesNotContain(OP);
    }

    JsonNode events(String id) {
        Reply r = viewer.get("/v1/boxes/" + id + "/events");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    @Test
    void processesRunAsNobodyWithExactlyTheirEnvironment() throws Exception {
        String id = create();
        try {
            runsAsNobody(id);
        } finally {
            operator.delete("/v1/boxes/" + id + "?force=true");
        }
    }

    void runsAsNobody(String id) throws Exception {
        Reply r = operator.post("/v1/boxes/" + id + "/processes",
                "{\"argv\":[\"sh\",\"-c\",\"env; exec sleep 300\"],\"env\":{\"GREETING\":\"hi\"},\"cwd\":\"/\"}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        long pid = r.json().path("pid").asLong();
        Map<String, String> status = Kernel.statusOnceItRuns(pid, "sleep");
        assertThat(status.get("Uid")).isEqualTo("65534 65534 65534 65534");
        assertThat(status.get("Gid")).isEqualTo("65534 65534 65534 65534");
        assertThat(status.get("Groups")).isEmpty();
        assertThat(status.get("CapEff")).isEqualTo("0000000000000000");
        List<String> env = Files.readAllLines(world.dataDir.resolve("logs").resolve(id + ".log")).stream()
                .map(l -> l.substring(0, Math.max(0, l.indexOf('=')))).sorted().toList();
        // sh adds PWD (and nothing else a login would: no HOME, USER, SHELL)
        assertThat(env).containsExactly("BOXD_BOX_ID", "GREETING", "PATH", "PWD");
        assertThat(events(id).toString()).contains("as uid 65534 gid 65534");
    }

    @Test
    void anAllowedUidIsUsedAndAnyOtherIsRefused() throws Exception {
        String id = create();
        try {
            allowedUid(id);
        } finally {
            operator.delete("/v1/boxes/" + id + "?force=true");
        }
    }

    void allowedUid(String id) throws Exception {
        operator.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"300\"],\"uid\":0}")
                .problem(400, "invalid-request");
        Reply gid = operator.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"300\"],\"uid\":4242,\"gid\":0}")
                .problem(400, "invalid-request");
        assertThat(gid.json().path("errors").get(0).path("field").asString()).isEqualTo("gid");
        assertThat(gid.json().path("errors").size()).isEqualTo(1);
        assertThat(world.procs(id)).isEmpty();
        Reply r = operator.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"300\"],\"uid\":4242,\"gid\":4343}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        Map<String, String> status = Kernel.statusOnceItRuns(r.json().path("pid").asLong(), "sleep");
        assertThat(status.get("Uid")).isEqualTo("4242 4242 4242 4242");
        assertThat(status.get("Gid")).isEqualTo("4343 4343 4343 4343");
    }

    @Test
    void theApiDocsArePublicAndDeclareTheBearerScheme() {
        Reply docs = anonymous.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        JsonNode j = docs.json();
        assertThat(j.path("components").path("securitySchemes").path("bearer").path("scheme").asString()).isEqualTo("bearer");
        assertThat(j.path("components").path("securitySchemes").path("bearer").path("type").asString()).isEqualTo("http");
        assertThat(j.path("security").get(0).has("bearer")).isTrue();
        assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(200);
        assertThat(anonymous.get("/v3/api-docs/swagger-config").status()).isEqualTo(200);
    }
}
