package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Http;
import io.boxd.testkit.Http.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bad input of the v1 spec, against the real server: the status, an
 * {@code application/problem+json} body with a stable type and a useful detail, the offending
 * field for 400s, and that nothing was made under the cgroup base.
 */
class ApiProblemsTest extends RealServerTest {

    static final Sandbox sandbox = Sandbox.create("problems");

    /** Nothing in this class creates a box; every bad input must leave the base empty. */
    @AfterEach
    void nothingReachedTheFilesystem() {
        assertThat(sandbox.boxDirs()).as("cgroups under %s", sandbox.baseDir).isEmpty();
    }

    static final String NO_PIDS = "\"limits\":{\"pidsMax\":\"max\"}";

    // ---- ids ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "a/b", "../x", "a.b", "cgroup.procs", "cgroup.kill", "", "-abc", "_abc",
            "a b", "a\\nb", "ä"})
    void createWithBadIdIs400NamingId(String id) {
        http.post("/v1/boxes", "{\"id\":\"" + id + "\"," + NO_PIDS + "}").badField("invalid-request", "id");
    }

    @Test
    void createWith65CharIdIs400() {
        String id = "a".repeat(65);
        http.post("/v1/boxes", "{\"id\":\"" + id + "\"," + NO_PIDS + "}").badField("invalid-request", "id");
    }

    @Test
    void createWith64CharIdIsNotRejectedAsAnId() {
        // The boundary: 64 characters is a valid id, so the rule is not simply "too long". It then
        // meets strict mode's default pidsMax=1024 where pids is unavailable, or an invalid limit.
        String id = "a".repeat(64);
        Reply r = http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"cpuWeight\":0}}");
        r.badField("invalid-request", "limits.cpuWeight");
        assertThat(r.json().path("errors").valueStream().map(e -> e.path("field").asString()).toList()).doesNotContain("id");
    }

    /** Path forms of bad ids: percent-encoded so they reach the router as one segment. */
    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "%2E%2E", "%2E", "a%2Fb", "..%2Fx", "a%5Cb", "a.b", "cgroup.procs", "cgroup.kill", "-abc",
            "a%20b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void badIdInPathIs400OnEveryEndpoint(String id) {
        String p = "/v1/boxes/" + id;
        http.get(p).badField("invalid-request", "id");
        http.patch(p, "{\"limits\":{\"pidsMax\":\"max\"}}").badField("invalid-request", "id");
        http.delete(p + "?force=true").badField("invalid-request", "id");
        http.post(p + "/processes", "{\"argv\":[\"true\"]}").badField("invalid-request", "id");
        http.post(p + "/processes/adopt", "{\"pid\":1}").badField("invalid-request", "id");
        http.get(p + "/processes").badField("invalid-request", "id");
        http.post(p + "/kill", null).badField("invalid-request", "id");
        http.post(p + "/stop", "{\"graceSeconds\":0}").badField("invalid-request", "id");
        http.get(p + "/stats").badField("invalid-request", "id");
        http.get(p + "/events").badField("invalid-request", "id");
    }

    /** The container drops ";x=y" from a segment: unrefused, these would act on box "a1" and /v1/host. */
    @ParameterizedTest
    @ValueSource(strings = {"DELETE /v1/boxes/a1;x=y", "GET /v1/boxes/a1;x=y/events", "POST /v1/boxes/a1;/kill", "GET /v1/host;x=1",
            "GET /v1/boxes;page=0"})
    void aPathParameterIsRefusedNotDropped(String request) {
        String[] r = request.split(" ");
        Reply reply = http.send(r[0], r[1], null);
        reply.problem(400, "malformed-request");
        assertThat(reply.json().path("detail").asString()).isEqualTo("path parameters (';' in a path segment) are not accepted");
        assertThat(reply.json().path("instance").asString()).as("the refused path, escaped").isEqualTo(Problems.instance(r[1]).toString());
    }

    @Test
    void emptyIdInPathIsAProblemAndTouchesNothing() {
        http.get("/v1/boxes/").problem(404, "not-found");
        Reply kill = http.post("/v1/boxes//kill", null);
        assertThat(kill.status()).as("%s", kill).isBetween(400, 499);
        kill.problem(kill.status(), Problems.kindFor(kill.status()));
    }

    // ---- limits ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"memoryMaxBytes\":-1                       | limits.memoryMaxBytes",
            "\"memoryMaxBytes\":0                        | limits.memoryMaxBytes",
            "\"memoryHighBytes\":0                       | limits.memoryHighBytes",
            "\"memoryHighBytes\":-4096                   | limits.memoryHighBytes",
            "\"memorySwapMaxBytes\":-1                   | limits.memorySwapMaxBytes",
            "\"pidsMax\":0                               | limits.pidsMax",
            "\"pidsMax\":-1                              | limits.pidsMax",
            "\"cpuWeight\":0                             | limits.cpuWeight",
            "\"cpuWeight\":10001                         | limits.cpuWeight",
            "\"cpuWeight\":-5                            | limits.cpuWeight",
            "\"cpuMax\":{\"quotaMicros\":999}            | limits.cpuMax.quotaMicros",
            "\"cpuMax\":{\"quotaMicros\":0}              | limits.cpuMax.quotaMicros",
            "\"cpuMax\":{\"quotaMicros\":-1000}          | limits.cpuMax.quotaMicros",
            "\"cpuMax\":{\"quotaMicros\":50000,\"periodMicros\":999}     | limits.cpuMax.periodMicros",
            "\"cpuMax\":{\"quotaMicros\":50000,\"periodMicros\":1000001} | limits.cpuMax.periodMicros",
    })
    void invalidLimitIs400NamingTheField(String limit, String field) {
        http.post("/v1/boxes", "{\"id\":\"lim\",\"limits\":{" + limit + "}}").badField("invalid-request", field.trim());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"memoryMaxBytes\":1.5                      | limits.memoryMaxBytes",
            "\"memoryMaxBytes\":6.7e7                    | limits.memoryMaxBytes",
            "\"memoryMaxBytes\":\"maxx\"                 | limits.memoryMaxBytes",
            "\"memoryMaxBytes\":\"MAX\"                  | limits.memoryMaxBytes",
            "\"memoryMaxBytes\":\"67108864\"             | limits.memoryMaxBytes",
            "\"memoryMaxBytes\":true                     | limits.memoryMaxBytes",
            "\"memoryMaxBytes\":{}                       | limits.memoryMaxBytes",
            "\"pidsMax\":[1]                             | limits.pidsMax",
            "\"cpuWeight\":1.5                           | limits.cpuWeight",
            "\"cpuWeight\":\"5\"                         | limits.cpuWeight",
            "\"cpuWeight\":\"max\"                       | limits.cpuWeight",
            "\"cpuWeight\":99999999999                   | limits.cpuWeight",
            "\"cpuMax\":{\"quotaMicros\":\"maxx\"}       | limits.cpuMax.quotaMicros",
            "\"cpuMax\":{\"quotaMicros\":2500.5}         | limits.cpuMax.quotaMicros",
            "\"cpuMax\":\"50000 100000\"                 | limits.cpuMax",
    })
    void limitOfTheWrongTypeIs400NamingTheField(String limit, String field) {
        http.post("/v1/boxes", "{\"id\":\"lim\",\"limits\":{" + limit + "}}").badField("invalid-request", field.trim());
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999999", "9223372036854775808", "18446744073709551617"})
    void limitTooLargeForALongIs400NotSilentlyWrapped(String huge) {
        // LimitValue.fromJson takes BigInteger.longValue(), which wraps: 2^64+1 would become 1 byte.
        Reply r = http.post("/v1/boxes", "{\"id\":\"huge\",\"limits\":{\"memoryMaxBytes\":" + huge + ",\"pidsMax\":\"max\"}}");
        assertThat(r.status())
                .as("BUG for the lead (io.boxd.limits.LimitValue.fromJson): a JSON integer beyond Long.MAX_VALUE must "
                        + "be a 400 on limits.memoryMaxBytes, but BigInteger.longValue() silently wraps it; reply %s", r)
                .isEqualTo(400);
        r.badField("invalid-request", "limits.memoryMaxBytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "\"1024\"", "1125899906842625"})
    void invalidVmMemoryBytesIs400(String value) {
        http.post("/v1/boxes", "{\"id\":\"vm\",\"vmMemoryBytes\":" + value + "}").badField("invalid-request", "vmMemoryBytes");
    }

    @Test
    void everyBrokenRuleIsListed() {
        Reply r = http.post("/v1/boxes", "{\"id\":\"a.b\",\"limits\":{\"cpuWeight\":0,\"memoryMaxBytes\":0}}");
        r.badField("invalid-request", "id").badField("invalid-request", "limits.cpuWeight").badField("invalid-request", "limits.memoryMaxBytes");
    }

    @Test
    void badLabelsAre400() {
        http.post("/v1/boxes", "{\"id\":\"lab\",\"labels\":{\"bad key!\":\"v\"}}").badField("invalid-request", "labels");
        http.post("/v1/boxes", "{\"id\":\"lab\",\"labels\":{\"k\":\"" + "v".repeat(256) + "\"}}").badField("invalid-request", "labels.k");
        http.post("/v1/boxes", "{\"id\":\"lab\",\"labels\":{\"k\":1}}").badField("invalid-request", "labels.k");
        http.post("/v1/boxes", "{\"id\":\"lab\",\"labels\":[\"k=v\"]}").badField("invalid-request", "labels");
    }

    // ---- bodies ------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":", "{id:\"x\"}", "{'id':'x'}", "not json", "{\"id\":\"x\"} trailing", "{\"id\":\"x\",}", "\u0000"})
    void malformedJsonIs400(String body) {
        Reply r = http.post("/v1/boxes", body).problem(400, "malformed-request");
        assertThat(r.json().path("errors").get(0).path("field").asString()).isNotBlank();
    }

    @Test
    void aSecondJsonValueAfterTheBodyIsRefusedSayingSo() {
        Reply r = http.post("/v1/boxes", "{\"id\":\"t1\"," + NO_PIDS + "} {\"id\":\"t2\"}");
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.json().path("errors").path(0).path("message").asString()).as("%s", r)
                .isEqualTo("must be one JSON value; an object follows it");
    }

    @Test
    void unknownFieldIs400NamingIt() {
        http.post("/v1/boxes", "{\"id\":\"u\",\"bogus\":1}").badField("invalid-request", "bogus");
        http.post("/v1/boxes", "{\"id\":\"u\",\"limits\":{\"memoryMax\":1}}").badField("invalid-request", "limits.memoryMax");
        http.post("/v1/boxes", "{\"id\":\"u\",\"limits\":{\"cpuMax\":{\"quota\":1}}}").badField("invalid-request", "limits.cpuMax.quota");
        http.post("/v1/boxes/u/processes", "{\"argv\":[\"true\"],\"shell\":true}").badField("invalid-request", "shell");
        http.patch("/v1/boxes/u", "{\"limits\":{},\"id\":\"v\"}").badField("invalid-request", "id");
        http.post("/v1/boxes/u/stop", "{\"grace\":1}").badField("invalid-request", "grace");
    }

    @Test
    void wrongTypesAre400NamingTheField() {
        http.post("/v1/boxes", "{\"id\":123}").badField("invalid-request", "id");
        http.post("/v1/boxes", "{\"id\":[\"x\"]}").badField("invalid-request", "id");
        http.post("/v1/boxes", "{\"id\":\"x\",\"limits\":[]}").badField("invalid-request", "limits");
        http.post("/v1/boxes/x/processes", "{\"argv\":\"sleep 1\"}").badField("invalid-request", "argv");
        http.post("/v1/boxes/x/processes", "{\"argv\":[\"true\",1]}").badField("invalid-request", "argv[1]");
        http.post("/v1/boxes/x/processes", "{\"argv\":[\"true\"],\"env\":{\"A\":1}}").badField("invalid-request", "env.A");
        http.post("/v1/boxes/x/processes", "{\"argv\":[\"true\"],\"uid\":\"0\"}").badField("invalid-request", "uid");
        http.post("/v1/boxes/x/processes/adopt", "{\"pid\":\"1\"}").badField("invalid-request", "pid");
        http.post("/v1/boxes/x/processes/adopt", "{\"pid\":1.5}").badField("invalid-request", "pid");
        http.post("/v1/boxes/x/stop", "{\"graceSeconds\":\"1\"}").badField("invalid-request", "graceSeconds");
    }

    /** Last-one-wins would let a proxy that checks the first "id" and boxd that uses the second disagree. */
    @Test
    void aFieldGivenTwiceIs400NamingIt() {
        http.post("/v1/boxes", "{\"id\":\"d1\",\"id\":\"d2\"," + NO_PIDS + "}").badField("invalid-request", "id");
        http.post("/v1/boxes", "{\"id\":\"d1\",\"labels\":{\"k\":\"a\",\"k\":\"b\"}," + NO_PIDS + "}")
                .badField("invalid-request", "labels.k");
        http.post("/v1/boxes/x/processes", "{\"argv\":[\"true\"],\"env\":{\"A\":\"1\",\"A\":\"2\"}}")
                .badField("invalid-request", "env.A");
        Reply r = http.patch("/v1/boxes/x", "{\"limits\":{\"pidsMax\":1,\"pidsMax\":\"max\"}}")
                .badField("invalid-request", "limits.pidsMax");
        assertThat(r.json().path("detail").asString()).contains("more than once");
    }

    @Test
    void anIntegerOutOfRangeIs400SayingTheRange() {
        for (String[] c : List.of(new String[] {"/v1/boxes/x/processes", "{\"argv\":[\"true\"],\"uid\":4294967295}", "uid"},
                new String[] {"/v1/boxes/x/processes/adopt", "{\"pid\":1099511627776}", "pid"})) {
            Reply r = http.post(c[0], c[1]).badField("invalid-request", c[2]);
            assertThat(r.json().path("detail").asString()).as("%s", r)
                    .contains("at most 2147483647").doesNotContain("`int`", "Numeric value");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3601", "99999999999", "99999999999999999999", "-1", "-99999999999999999999"})
    void aGracePeriodOutOfRangeIsToldItsOwnBounds(String grace) {
        Reply r = http.post("/v1/boxes/x/stop", "{\"graceSeconds\":" + grace + "}").badField("invalid-request", "graceSeconds");
        assertThat(r.json().path("detail").asString()).as("%s", r)
                .isEqualTo("graceSeconds must be between 0 and 3600, was " + grace);
    }

    @Test
    void bodyOfTheWrongShapeIs400() {
        http.post("/v1/boxes", "[1]").badField("malformed-request", "body");
        http.post("/v1/boxes", "\"x\"").badField("malformed-request", "body");
        http.post("/v1/boxes/x/processes", "42").badField("malformed-request", "body");
    }

    @Test
    void emptyBodyWhereOneIsRequiredIs400() {
        for (String[] c : List.of(new String[] {"PATCH", "/v1/boxes/x"}, new String[] {"POST", "/v1/boxes/x/processes"},
                new String[] {"POST", "/v1/boxes/x/processes/adopt"})) {
            Reply r = http.send(c[0], c[1], "", Http.JSON_TYPE).badField("malformed-request", "body");
            assertThat(r.json().path("detail").asString()).as("no Java internals in %s", r).doesNotContain("io.boxd", "java.");
        }
    }

    @Test
    void missingRequiredFieldsAre400() {
        http.post("/v1/boxes/x/processes", "{}").badField("invalid-request", "argv");
        http.post("/v1/boxes/x/processes", "{\"argv\":[]}").badField("invalid-request", "argv");
        http.post("/v1/boxes/x/processes", "{\"argv\":[\"\"]}").badField("invalid-request", "argv[0]");
        http.post("/v1/boxes/x/processes/adopt", "{}").badField("invalid-request", "pid");
        http.post("/v1/boxes/x/processes/adopt", "{\"pid\":0}").badField("invalid-request", "pid");
        http.post("/v1/boxes/x/processes/adopt", "{\"pid\":-1}").badField("invalid-request", "pid");
        http.post("/v1/boxes/x/stop", "{\"graceSeconds\":-1}").badField("invalid-request", "graceSeconds");
        http.post("/v1/boxes/x/processes", "{\"argv\":[\"pwd\"],\"cwd\":\"/proc/self/cwd\"}").badField("invalid-request", "cwd");
        http.post("/v1/boxes/x/processes", "{\"argv\":[\"pwd\"],\"cwd\":\"/dev/fd/3\"}").badField("invalid-request", "cwd");
        http.patch("/v1/boxes/x", "{\"limits\":{\"cpuWeight\":0}}").badField("invalid-request", "limits.cpuWeight");
    }

    /** A lone surrogate (JSON's "\\ud800") cannot be encoded for the kernel: 400 naming the field, not a 500. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"argv":["/bin/ech\\ud800o"]}                     | argv[0]
            {"argv":["\\ud800"]}                               | argv[0]
            {"argv":["/bin/echo","ab\\udc00"]}                | argv[1]
            {"argv":["/bin/echo"],"env":{"V":"x\\ud800"}}     | env.V
            {"argv":["/bin/true"],"cwd":"/tm\\ud800p"}        | cwd
            """)
    void textThatCannotReachTheKernelIs400NamingTheField(String body, String field) {
        http.post("/v1/boxes/x/processes", body).badField("invalid-request", field);
    }

    static final int CAP = 65536;

    private static String paddedTo(int size) {
        String head = "{\"id\":\"big\",\"labels\":{\"k\":\"v\"}";
        return head + " ".repeat(size - head.length() - 1) + "}";
    }

    @Test
    void bodyOverTheCapWithContentLengthIs413() {
        Reply r = http.post("/v1/boxes", paddedTo(CAP + 1)).problem(413, "body-too-large");
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        http.post("/v1/boxes", paddedTo(5 * CAP)).problem(413, "body-too-large");
    }

    @Test
    void chunkedBodyOverTheCapIs413() {
        http.sendChunked("POST", "/v1/boxes", paddedTo(CAP + 1).getBytes(StandardCharsets.UTF_8), Http.JSON_TYPE)
                .problem(413, "body-too-large");
        http.sendChunked("POST", "/v1/boxes/x/processes", paddedTo(3 * CAP).getBytes(StandardCharsets.UTF_8), Http.JSON_TYPE)
                .problem(413, "body-too-large");
    }

    @Test
    void bodyExactlyAtTheCapIsRead() {
        // Read in full and judged on content: spawn into a box that does not exist is 404, not 413.
        String head = "{\"argv\":[\"true\"]";
        String body = head + " ".repeat(CAP - head.length() - 1) + "}";
        assertThat(body).hasSize(CAP);
        http.post("/v1/boxes/nobox/processes", body).problem(404, "box-not-found");
        http.sendChunked("POST", "/v1/boxes/nobox/processes", body.getBytes(StandardCharsets.UTF_8), Http.JSON_TYPE)
                .problem(404, "box-not-found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "application/x-www-form-urlencoded"})
    void wrongContentTypeIs415(String type) {
        Reply r = http.send("POST", "/v1/boxes", "{\"id\":\"ct\"}", type).problem(415, "unsupported-media-type");
        assertThat(r.json().path("detail").asString()).contains("application/json");
        http.send("POST", "/v1/boxes/ct/processes", "{\"argv\":[\"true\"]}", type).problem(415, "unsupported-media-type");
    }

    @Test
    void bodyWithoutContentTypeIs415() {
        Reply r = http.send("POST", "/v1/boxes", "{\"id\":\"ct\"}", null).problem(415, "unsupported-media-type");
        assertThat(r.json().path("detail").asString()).isEqualTo("a Content-Type is required; send application/json");
        // stop declares no consumes: Spring takes the missing header for application/octet-stream.
        r = http.send("POST", "/v1/boxes/ct/stop", "{\"graceSeconds\":1}", null).problem(415, "unsupported-media-type");
        assertThat(r.json().path("detail").asString()).isEqualTo("a Content-Type is required; send application/json");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/json; charset=bogus | unsupported charset 'bogus'",
            "app lication/json               | Invalid token character ' '"})
    void aContentTypeThatCannotBeParsedIs415SayingWhy(String type, String why) {
        Reply r = http.send("POST", "/v1/boxes", "{\"id\":\"ct\"}", type).problem(415, "unsupported-media-type");
        assertThat(r.json().path("detail").asString())
                .startsWith("Content-Type '" + type + "' could not be read: ").contains(why)
                .endsWith("; send application/json");
    }

    // ---- routes ------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/v1", "/v1/nope", "/v2/boxes", "/v1/boxes/x/nope", "/v1/boxes/x/processes/1"})
    void unknownRouteIs404Problem(String path) {
        Reply r = http.get(path).problem(404, "not-found");
        assertThat(r.json().path("detail").asString()).contains(path);
    }

    @Test
    void wrongMethodIs405ProblemWithAllow() {
        Reply r = http.send("PUT", "/v1/boxes", "{}", Http.JSON_TYPE).problem(405, "method-not-allowed");
        assertThat(r.header("Allow")).contains("GET").contains("POST");
        http.delete("/v1/host").problem(405, "method-not-allowed");
        http.get("/v1/boxes/x/kill").problem(405, "method-not-allowed");
        http.send("PUT", "/v1/boxes/x", "{}", Http.JSON_TYPE).problem(405, "method-not-allowed");
    }

    // ---- unknown box -------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "DELETE"})
    void theErrorPageAskedForDirectlyIsNoResource(String method) {
        http.send(method, "/error", null).problem(404, "not-found");
    }

    @Test
    void unknownBoxIs404OnEveryEndpoint() {
        String p = "/v1/boxes/ghost";
        List<Reply> replies = List.of(
                http.get(p),
                http.patch(p, "{\"limits\":{\"pidsMax\":\"max\"}}"),
                http.delete(p),
                http.delete(p + "?force=true"),
                http.post(p + "/processes", "{\"argv\":[\"sleep\",\"1\"]}"),
                http.post(p + "/processes/adopt", "{\"pid\":" + ProcessHandle.current().pid() + "}"),
                http.get(p + "/processes"),
                http.post(p + "/kill", null),
                http.post(p + "/stop", null),
                http.post(p + "/stop", "{\"graceSeconds\":0}"),
                http.get(p + "/stats"),
                http.get(p + "/events"));
        for (Reply r : replies) {
            r.problem(404, "box-not-found");
            assertThat(r.json().path("detail").asString()).contains("ghost");
        }
    }

    // ---- list filters ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "state=bogus      | state",
            "label=x          | label",
            "label==v         | label",
            "page=-1          | page",
            "page=abc         | page",
            "size=0           | size",
            "size=501         | size",
            "size=1.5         | size",
            "page=0x1         | page",
            "page=+1          | page",
            "page=010%20      | page",
    })
    void badListFilterIs400NamingIt(String query, String field) {
        http.get("/v1/boxes?" + query.trim()).badField("invalid-request", field.trim());
    }

    /** Spring took the first of a repeated page or size, and joined a repeated state with a comma. */
    @ParameterizedTest
    @ValueSource(strings = {"state=CREATED&state=RUNNING", "size=5&size=10", "page=0&page=1"})
    void aRepeatedListParameterIs400SayingSo(String query) {
        String name = query.substring(0, query.indexOf('='));
        Reply r = http.get("/v1/boxes?" + query).badField("invalid-request", name);
        assertThat(r.json().path("errors").path(0).path("message").asString()).isEqualTo("must be given once, was given 2 times");
    }
}
