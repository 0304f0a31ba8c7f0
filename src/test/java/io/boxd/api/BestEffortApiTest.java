package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.box.BoxRules;
import io.boxd.testkit.Http;
import io.boxd.testkit.Http.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** {@code boxd.enforcement=best-effort}: boxes are made, and {@code enforced} says exactly what the kernel holds. */
@TestPropertySource(properties = "boxd.enforcement=best-effort")
class BestEffortApiTest extends RealServerTest {

    static final Sandbox sandbox = Sandbox.create("besteffort");

    /** Each limit field and the kernel file it is read back from. */
    static final Map<String, String> FILES = Map.of(
            "memoryMaxBytes", "memory.max",
            "memoryHighBytes", "memory.high",
            "memorySwapMaxBytes", "memory.swap.max",
            "cpuWeight", "cpu.weight",
            "cpuMax", "cpu.max",
            "pidsMax", "pids.max");

    @Test
    void enforcedListsExactlyWhatTheKernelHolds() throws Exception {
        String id = unique("be");
        Reply r = http.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"memoryMaxBytes\":67108864,"
                + "\"memoryHighBytes\":33554432,\"cpuWeight\":50,\"cpuMax\":{\"quotaMicros\":50000,\"periodMicros\":100000}}}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        JsonNode limits = r.json().path("limits");
        JsonNode enforced = r.json().path("enforced");
        assertThat(limits.path("memoryMaxBytes").asLong()).isEqualTo(67108864L);
        assertThat(limits.path("pidsMax").asLong()).as("the configured default").isEqualTo(1024L);
        Path dir = sandbox.boxDir(id);
        for (Map.Entry<String, String> f : FILES.entrySet()) {
            Path file = dir.resolve(f.getValue());
            if (Files.exists(file)) {
                assertThat(enforced.has(f.getKey())).as("%s exists, so enforced shows %s: %s", file, f.getKey(), enforced).isTrue();
                String kernel = Files.readString(file).trim();
                JsonNode v = enforced.path(f.getKey());
                String shown = f.getKey().equals("cpuMax")
                        ? v.path("quotaMicros").asString() + " " + v.path("periodMicros").asString()
                        : v.asString();
                assertThat(shown).as("%s vs %s", f.getKey(), file).isEqualTo(kernel);
            } else {
                assertThat(enforced.has(f.getKey())).as("%s is missing, so enforced must not claim %s: %s", file, f.getKey(), enforced)
                        .isFalse();
            }
        }
        if (!Files.exists(dir.resolve("memory.max"))) {
            // This host: memory was asked for and cannot hold; the box exists anyway, honestly.
            assertThat(enforced.has("memoryMaxBytes")).isFalse();
            assertThat(http.get("/v1/boxes/" + id).json().path("enforced").has("memoryMaxBytes")).isFalse();
        }
    }

    @Test
    void vmMemoryBytesImpliesMemoryMaxAndExplicitLimitsWin() {
        Reply implied = http.post("/v1/boxes", "{\"id\":\"" + unique("vm") + "\",\"vmMemoryBytes\":1073741824}");
        assertThat(implied.status()).as("%s", implied).isEqualTo(201);
        assertThat(implied.json().path("limits").path("memoryMaxBytes").asLong()).isEqualTo(2L * 1073741824L + 536870912L);

        Reply explicit = http.post("/v1/boxes", "{\"id\":\"" + unique("vm") + "\",\"vmMemoryBytes\":1073741824,"
                + "\"limits\":{\"memoryMaxBytes\":\"max\",\"pidsMax\":64}}");
        assertThat(explicit.status()).as("%s", explicit).isEqualTo(201);
        assertThat(explicit.json().path("limits").path("memoryMaxBytes").asString()).isEqualTo("max");
        assertThat(explicit.json().path("limits").path("pidsMax").asLong()).isEqualTo(64);
    }

    @Test
    void createWithEmptyOrNoBodyGeneratesAnId() {
        for (String body : new String[] {"{}", ""}) {
            Reply r = http.send("POST", "/v1/boxes", body, Http.JSON_TYPE);
            assertThat(r.status()).as("body '%s': %s", body, r).isEqualTo(201);
            String id = r.json().path("id").asString();
            assertThat(id).matches(BoxRules.ID);
            assertThat(r.header("Location")).isEqualTo("/v1/boxes/" + id);
            assertThat(sandbox.boxDir(id)).isDirectory();
        }
    }

    @Test
    void hostReportsBestEffort() {
        assertThat(http.get("/v1/host").json().path("enforcement").asString()).isEqualTo("best-effort");
    }

    @Test
    void invalidLimitsAreStill400InBestEffort() {
        http.post("/v1/boxes", "{\"id\":\"x\",\"limits\":{\"cpuWeight\":10001}}").badField("invalid-request", "limits.cpuWeight");
        assertThat(sandbox.boxDir("x")).doesNotExist();
    }
}
