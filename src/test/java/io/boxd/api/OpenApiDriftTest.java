package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.box.BoxService;
import io.boxd.limits.LimitRules;
import io.boxd.testkit.Http.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code openapi/boxd.yaml} is what the service serves. Regenerate it after changing the API:
 * {@code ./mvnw test -Dtest=OpenApiDriftTest -Dboxd.openapi.write=true}, then review and commit.
 */
class OpenApiDriftTest extends RealServerTest {

    static final Sandbox sandbox = Sandbox.create("openapi");
    static final Path COMMITTED = Path.of(System.getProperty("basedir", "."), "openapi", "boxd.yaml");
    static final String REGENERATE = "./mvnw test -Dtest=OpenApiDriftTest -Dboxd.openapi.write=true";

    String served() {
        Reply r = http.get("/v3/api-docs.yaml");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.body();
    }

    @Test
    void committedSpecMatchesTheServedOne() throws Exception {
        String served = served();
        if (Boolean.getBoolean("boxd.openapi.write")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, served, StandardCharsets.UTF_8);
        }
        assertThat(COMMITTED).as("%s is missing; create it with: %s", COMMITTED, REGENERATE).exists();
        String committed = Files.readString(COMMITTED, StandardCharsets.UTF_8);
        Object want = new Yaml().load(committed);
        Object got = new Yaml().load(served);
        if (!want.equals(got)) {
            throw new AssertionError(COMMITTED + " has drifted from what the service serves at /v3/api-docs.yaml.\n"
                    + "If the API change is intended, regenerate and commit it:\n    " + REGENERATE + "\n"
                    + "First differences (- committed, + served):\n" + diff(committed, served));
        }
    }

    @Test
    void servedSpecDoesNotDependOnTheAddressItWasFetchedFrom() {
        String served = served();
        // The port as a number of its own: port 44415 is also the tail of cpuMax's maximum, 2^44 - 1.
        assertThat(served).doesNotContainPattern("(?<![0-9])" + port + "(?![0-9])").doesNotContain("Generated server url");
        assertThat(served()).as("two fetches give the same document").isEqualTo(served);
        Map<String, Object> doc = new Yaml().load(served);
        assertThat((List<?>) doc.get("servers")).hasSize(1);
        assertThat(((Map<?, ?>) ((List<?>) doc.get("servers")).get(0)).get("url")).isEqualTo("/");
    }

    @Test
    @SuppressWarnings("unchecked")
    void limitValuesAreIntegerOrMax() {
        Map<String, Object> doc = new Yaml().load(served());
        Map<String, Object> schemas = at(doc, "components", "schemas");
        Map<String, Object> limitValue = at(schemas, "LimitValue");
        List<Map<String, Object>> oneOf = (List<Map<String, Object>>) limitValue.get("oneOf");
        assertThat(oneOf).extracting(m -> m.get("type")).containsExactlyInAnyOrder("integer", "string");
        assertThat(oneOf).filteredOn(m -> "string".equals(m.get("type"))).singleElement()
                .satisfies(m -> assertThat(m.get("enum")).isEqualTo(List.of("max")));
        Map<String, Object> limits = at(schemas, "Limits", "properties");
        for (String f : List.of("memoryMaxBytes", "memoryHighBytes", "memorySwapMaxBytes", "pidsMax")) {
            assertThat((Map<String, Object>) limits.get(f)).as(f).containsEntry("$ref", "#/components/schemas/LimitValue");
        }
        assertThat(at(schemas, "CpuMax", "properties", "quotaMicros")).containsEntry("$ref", "#/components/schemas/LimitValue");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everySchemaTheDocumentRefersToIsInIt() {
        String served = served();
        Map<String, Object> schemas = at(new Yaml().load(served), "components", "schemas");
        Set<String> refs = new TreeSet<>();
        Matcher m = Pattern.compile("#/components/schemas/([A-Za-z0-9_.-]+)").matcher(served);
        while (m.find()) {
            refs.add(m.group(1));
        }
        assertThat(refs).contains("Problem", "LimitValue");
        assertThat(schemas.keySet()).as("the schemas served").containsAll(refs);
    }

    @Test
    @SuppressWarnings("unchecked")
    void limitsAndPagesCarryTheirBounds() {
        Map<String, Object> doc = new Yaml().load(served());
        Map<String, Object> schemas = at(doc, "components", "schemas");
        Map<String, Object> limits = at(schemas, "Limits", "properties");
        assertThat(at(limits, "pidsMax")).containsEntry("maximum", (int) LimitRules.MAX_PIDS);
        assertBounds(limits.get("cpuWeight"), LimitRules.MIN_CPU_WEIGHT, LimitRules.MAX_CPU_WEIGHT);
        Map<String, Object> cpuMax = at(schemas, "CpuMax", "properties");
        assertBounds(cpuMax.get("quotaMicros"), LimitRules.MIN_QUOTA_MICROS, LimitRules.MAX_QUOTA_MICROS);
        assertBounds(cpuMax.get("periodMicros"), LimitRules.MIN_PERIOD_MICROS, LimitRules.MAX_PERIOD_MICROS);
        List<Map<String, Object>> params = (List<Map<String, Object>>) at(doc, "paths", "/v1/boxes", "get").get("parameters");
        Map<String, Object> size = params.stream().filter(p -> "size".equals(p.get("name"))).findFirst().orElseThrow();
        assertBounds(size.get("schema"), 1, BoxService.MAX_PAGE_SIZE);
    }

    /** The map at {@code keys} under {@code node}, failing with the path when one is missing. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Object node, String... keys) {
        Object here = node;
        for (String k : keys) {
            assertThat(here).as("a map above %s in %s", k, String.join(" > ", keys)).isInstanceOf(Map.class);
            here = ((Map<String, Object>) here).get(k);
        }
        assertThat(here).as("a map at %s", String.join(" > ", keys)).isInstanceOf(Map.class);
        return (Map<String, Object>) here;
    }

    private static void assertBounds(Object schema, long min, long max) {
        assertThat(schema).as("a schema").isInstanceOf(Map.class);
        Map<?, ?> s = (Map<?, ?>) schema;
        assertThat(s.get("minimum")).as("minimum of %s", s).isInstanceOf(Number.class);
        assertThat(s.get("maximum")).as("maximum of %s", s).isInstanceOf(Number.class);
        assertThat(((Number) s.get("minimum")).longValue()).as("minimum of %s", s).isEqualTo(min);
        assertThat(((Number) s.get("maximum")).longValue()).as("maximum of %s", s).isEqualTo(max);
    }

    @Test
    @SuppressWarnings("unchecked")
    void problemsNameTheKindsOfRefusalOutsideTheControllers() {
        Map<String, Object> doc = new Yaml().load(served());
        String problems = at(doc, "paths", "/v1/boxes", "post", "responses", "default").get("description").toString();
        assertThat(problems).contains("413 body-too-large", "malformed-request");
        String type = at(doc, "components", "schemas", "Problem", "properties", "type").get("description").toString();
        assertThat(type).contains("urn:boxd:problem:malformed-request", "urn:boxd:problem:body-too-large");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationDocumentsItsProblems() {
        Map<String, Object> doc = new Yaml().load(served());
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        assertThat(paths).containsKeys("/v1/boxes", "/v1/boxes/{id}", "/v1/host").doesNotContainKey("/error");
        paths.forEach((path, ops) -> ops.forEach((method, op) -> {
            Map<String, Object> responses = (Map<String, Object>) ((Map<String, Object>) op).get("responses");
            assertThat(responses).as("%s %s", method, path).containsKey("default");
            assertThat(responses.get("default").toString()).contains("application/problem+json", "#/components/schemas/Problem");
        }));
    }

    @Test
    @SuppressWarnings("unchecked")
    void createIsDocumentedAs201LikeItAnswers() {
        Map<String, Object> doc = new Yaml().load(served());
        assertThat(at(doc, "paths", "/v1/boxes", "post", "responses").keySet())
                .as("BUG for the lead (io.boxd.api.BoxController.create): it answers 201 but returns ResponseEntity without "
                        + "@ResponseStatus(HttpStatus.CREATED), so the spec documents 200. Add the annotation, then run "
                        + REGENERATE)
                .contains("201")
                .doesNotContain("200");
    }

    private static String diff(String committed, String served) {
        String[] a = committed.split("\n");
        String[] b = served.split("\n");
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while ((i < a.length || j < b.length) && out.size() < 40) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                i++;
                j++;
                continue;
            }
            // Resynchronise on the next line the two share, within a small window.
            int si = -1;
            int sj = -1;
            search:
            for (int d = 1; d < 60; d++) {
                for (int k = 0; k <= d; k++) {
                    int x = i + k;
                    int y = j + d - k;
                    if (x < a.length && y < b.length && a[x].equals(b[y])) {
                        si = x;
                        sj = y;
                        break search;
                    }
                }
            }
            int ei = si < 0 ? Math.min(a.length, i + 5) : si;
            int ej = sj < 0 ? Math.min(b.length, j + 5) : sj;
            out.add("@@ line " + (i + 1) + " / " + (j + 1));
            for (; i < ei; i++) {
                out.add("- " + a[i]);
            }
            for (; j < ej; j++) {
                out.add("+ " + b[j]);
            }
        }
        return String.join("\n", out);
    }
}
