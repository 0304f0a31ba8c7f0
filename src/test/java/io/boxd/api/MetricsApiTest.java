package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Http;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code /actuator/prometheus} as the README tells an operator to turn it on, on the real server
 * with tokens: it needs one (a viewer's will do), and boxd's own meters follow a real box's
 * lifecycle event for event, while a refused create counts nothing.
 */
@TestPropertySource(properties = {"management.endpoints.web.exposure.include=health,info,prometheus",
        "boxd.security.mode=tokens",
        "boxd.security.tokens=ops:" + MetricsApiTest.OP + ":operator,scraper:" + MetricsApiTest.VW + ":viewer"})
class MetricsApiTest extends RealServerTest {

    static final String OP = "op-" + "3c1f9a7e5d2b4c6a8e0f1b2d";
    static final String VW = "vw-" + "7e6d5c4b3a2f1e0d9c8b7a6f";
    static final Sandbox sandbox = Sandbox.create("metrics");

    @Test
    void scrapingNeedsATokenAndAViewersWillDo() {
        http.get("/actuator/prometheus").problem(401, "unauthorized");
        Http.Reply scrape = http.as(VW).get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.contentType()).startsWith("text/plain");
        assertThat(scrape.body()).contains("# TYPE boxd_boxes gauge", "boxd_boxes{state=\"RUNNING\"}",
                "boxd_reconcile_orphans_total{action=\"reaped\"}", "boxd_reconcile_orphans_reported 0.0");
    }

    @Test
    void eventsAndBoxesFollowALifecycle() {
        Http op = http.as(OP);
        String before = scrape();
        String id = unique("metered");
        assertThat(op.post("/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"}}").status()).isEqualTo(201);
        assertThat(op.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"100\"]}").status()).isEqualTo(201);
        String running = scrape();
        assertThat(value(running, "boxd_boxes{state=\"RUNNING\"}") - value(before, "boxd_boxes{state=\"RUNNING\"}")).isEqualTo(1);

        assertThat(op.post("/v1/boxes/" + id + "/kill", "").status()).isEqualTo(200);
        assertThat(op.delete("/v1/boxes/" + id).status()).isEqualTo(204);
        // Not counted: refused before any record or cgroup exists (ids with dots never reach the kernel).
        assertThat(op.post("/v1/boxes", "{\"id\":\"cgroup.procs\"}").status()).isEqualTo(400);
        String after = scrape();

        for (String type : new String[] {"created", "process-started", "killed", "removed"}) {
            String series = "boxd_box_events_total{type=\"" + type + "\"}";
            assertThat(value(after, series) - value(before, series)).as(series).isEqualTo(1);
        }
        assertThat(value(after, "boxd_box_events_total{type=\"created\"}"))
                .as("as many created events as the histories hold")
                .isEqualTo(http.as(VW).allBoxes().keySet().stream()
                        .mapToLong(b -> http.as(VW).events(b).stream().filter(e -> e.path("type").asString().equals("created")).count())
                        .sum());
        assertThat(value(after, "boxd_boxes{state=\"REMOVED\"}") - value(before, "boxd_boxes{state=\"REMOVED\"}")).isEqualTo(1);
        assertThat(value(after, "boxd_boxes{state=\"RUNNING\"}")).isEqualTo(value(before, "boxd_boxes{state=\"RUNNING\"}"));
        assertThat(after).as("request timings by route, not by box id")
                .contains("status=\"200\",uri=\"/v1/boxes/{id}/kill\"}").doesNotContain(id);
    }

    @Test
    void reapedOrphansAreCounted() throws Exception {
        String before = scrape();
        Files.createDirectory(sandbox.baseDir.resolve(unique("stray")));
        assertThat(http.as(OP).post("/v1/reconcile", "").json().path("orphansReaped").asInt()).isEqualTo(1);
        String after = scrape();
        String series = "boxd_reconcile_orphans_total{action=\"reaped\"}";
        assertThat(value(after, series) - value(before, series)).isEqualTo(1);
    }

    private String scrape() {
        try {
            Thread.sleep(1100); // the boxes gauge reads the records at most once a second
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Http.Reply r = http.as(VW).get("/actuator/prometheus");
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    /** A series' value in a scrape; 0 when the series is not there yet (a counter not yet incremented). */
    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
