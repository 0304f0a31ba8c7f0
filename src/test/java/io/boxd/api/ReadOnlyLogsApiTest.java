package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Http.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code <data-dir>/logs} made read-only under a running boxd, by a real read-only tmpfs mounted
 * over it: every spawn needs to open a log there, so readiness is DOWN (component {@code logs})
 * while it lasts, a spawn is refused with no process left behind, and both come back once the
 * directory is writable again.
 */
@TestPropertySource(properties = {"boxd.enforcement=best-effort", "boxd.reconcile.interval=0"})
class ReadOnlyLogsApiTest extends RealServerTest {

    static final Sandbox sandbox = Sandbox.create("rologs");

    Path logs() {
        return sandbox.dataDir().resolve("logs");
    }

    @AfterEach
    void unmount() throws Exception {
        if (Files.readString(Path.of("/proc/self/mounts")).contains(" " + logs() + " ")) {
            Sandbox.run("umount", logs().toString());
        }
    }

    @Test
    void readinessIsDownWhileTheLogDirectoryCannotBeWritten() throws IOException {
        String id = unique("ro");
        http.post("/v1/boxes", "{\"id\":\"" + id + "\"}").expect(201);
        assertThat(component(http.get("/actuator/health/readiness").expect(200), "logs")).isEqualTo("UP");

        Sandbox.run("mount", "-t", "tmpfs", "-o", "ro,size=1m,mode=0700", "tmpfs", logs().toString());

        Reply ready = http.get("/actuator/health/readiness");
        assertThat(ready.status()).as("%s", ready).isEqualTo(503);
        assertThat(component(ready, "logs")).isEqualTo("DOWN");
        assertThat(component(ready, "db")).isEqualTo("UP");
        Reply health = http.get("/actuator/health");
        assertThat(health.json().path("components").path("logs").path("details").path("writable").asBoolean(true))
                .as("%s", health).isFalse();
        http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"60\"]}").problem(500, "spawn-failed");
        assertThat(http.get("/v1/boxes/" + id + "/processes").expect(200).json().size())
                .as("a refused spawn leaves no process").isZero();

        Sandbox.run("umount", logs().toString());

        assertThat(http.get("/actuator/health/readiness").expect(200).json().path("status").asString()).isEqualTo("UP");
        http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"60\"]}").expect(201);
        http.delete("/v1/boxes/" + id + "?force=true").expect(204);
    }

    private static String component(Reply r, String name) {
        return r.json().path("components").path(name).path("status").asString();
    }
}
