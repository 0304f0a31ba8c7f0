package io.boxd.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.testkit.Http;
import io.boxd.testkit.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two real boxd JVMs on one cgroup base, with their own data dirs: what an operator gets by
 * running README's command in a second checkout while boxd runs. Before, the second one's startup
 * reconcile took the first one's boxes for orphans and reaped them (found by hand: a running
 * sleep was killed and its cgroup removed, and the first boxd said EXITED); and the same once the
 * first had stopped.
 */
class SecondBoxdOnOneTreeTest {

    @Test
    void aSecondBoxdOnTheSameTreeRefusesToStartAndLaterLeavesTheFirstsBoxesAlone() throws Exception {
        String base = "boxd-second-" + UUID.randomUUID().toString().substring(0, 8);
        Path baseDir = Kernel.mount().resolve(base);
        Path tmp = Files.createTempDirectory("boxd-second-");
        BoxdJvm first = new BoxdJvm(tmp.resolve("first"), base, tmp.resolve("first.log"), List.of());
        BoxdJvm second = new BoxdJvm(tmp.resolve("second"), base, tmp.resolve("second.log"), List.of());
        BoxdJvm takeOver = null;
        try {
            first.start();
            Http api = first.rest();
            assertThat(api.post("/v1/boxes", "{\"id\":\"kept\",\"limits\":{\"pidsMax\":\"max\"}}").status()).isEqualTo(201);
            Http.Reply spawned = api.post("/v1/boxes/kept/processes", "{\"argv\":[\"sleep\",\"1000\"]}");
            assertThat(spawned.status()).as("%s", spawned).isEqualTo(201);
            long pid = spawned.json().path("pid").asLong();
            Kernel.Pid sleeper = Kernel.identify(pid).orElseThrow();

            assertThatThrownBy(second::start).hasMessageContaining("before it was ready");
            assertThat(Files.readString(tmp.resolve("second.log")))
                    .contains("the cgroup tree " + baseDir + " is in use by another boxd (pid " + first.pid() + ", data dir "
                            + tmp.resolve("first").toAbsolutePath())
                    .contains("give this one a cgroup tree of its own with boxd.cgroup.base")
                    .doesNotContain("startup reconcile");
            assertThat(Kernel.procs(baseDir.resolve("kept"))).as("the first boxd's box is untouched").containsExactly(pid);
            assertThat(api.get("/v1/boxes/kept").json().path("state").asString()).isEqualTo("RUNNING");

            // Once the first boxd has stopped, the tree is free; but its boxes carry its database's
            // mark, so to the second (another data dir: a mistyped one did this by hand) they are
            // foreign, not orphans: listed, and left alone.
            assertThat(first.stop()).isIn(0, 143);
            second.start();
            JsonNode report = second.rest().get("/v1/reconcile/last").json();
            assertThat(report.path("orphansReaped").asInt()).as("%s", report).isZero();
            assertThat(report.path("orphansForeign").asInt()).as("%s", report).isEqualTo(1);
            String firstsId = report.path("orphans").path(0).path("owner").asString();
            assertThat(report.path("orphans").path(0).path("action").asString()).isEqualTo("foreign");
            assertThat(Kernel.procs(baseDir.resolve("kept"))).as("the first boxd's box is untouched").containsExactly(pid);
            assertThat(second.stop()).isIn(0, 143);

            // The first boxd, back on its own data dir, finds its box as it left it.
            first.start();
            assertThat(first.rest().get("/v1/boxes/kept").json().path("state").asString()).isEqualTo("RUNNING");
            assertThat(first.rest().get("/v1/reconcile/last").json().path("orphansForeign").asInt()).isZero();
            assertThat(Kernel.alive(sleeper)).isTrue();
            assertThat(first.stop()).isIn(0, 143);

            // Taken over by name, the first one's boxes are the second one's orphans, and reaped.
            takeOver = new BoxdJvm(tmp.resolve("second"), base, tmp.resolve("take-over.log"),
                    List.of("--boxd.reconcile.take-over=" + firstsId));
            takeOver.start();
            JsonNode taken = takeOver.rest().get("/v1/reconcile/last").json();
            assertThat(taken.path("orphansReaped").asInt()).as("%s", taken).isEqualTo(1);
            assertThat(taken.path("orphansForeign").asInt()).isZero();
            assertThat(Kernel.alive(sleeper)).isFalse();
        } finally {
            if (takeOver != null) {
                takeOver.close();
            }
            second.close();
            first.close();
            Kernel.killAndRemove(baseDir);
            Kernel.deleteTree(tmp);
        }
        assertThat(baseDir).doesNotExist();
    }

    /** README command 1 run twice in one checkout: the second meets the first's H2 file before its tree. */
    @Test
    void aSecondBoxdOnTheSameDataDirSaysSoInOneMessage() throws Exception {
        String base = "boxd-second-" + UUID.randomUUID().toString().substring(0, 8);
        Path tmp = Files.createTempDirectory("boxd-second-data-");
        BoxdJvm first = new BoxdJvm(tmp.resolve("data"), base, tmp.resolve("first.log"), List.of());
        BoxdJvm second = new BoxdJvm(tmp.resolve("data"), base, tmp.resolve("second.log"), List.of());
        try {
            first.start();
            assertThatThrownBy(second::start).hasMessageContaining("before it was ready");
            String log = Files.readString(tmp.resolve("second.log"));
            assertThat(log).contains("APPLICATION FAILED TO START");
            // H2 logs its own trace above; what boxd says last is the reason and the remedy, no trace.
            String last = log.substring(log.lastIndexOf("APPLICATION FAILED TO START"));
            assertThat(last).contains("boxd could not open its database (jdbc:h2:file:" + tmp.resolve("data").resolve("boxd")
                            + "): The file is locked: " + tmp.resolve("data"))
                    .contains("Another process has the H2 file open: most likely another boxd on the same boxd.data-dir")
                    .as("no stack trace").doesNotContain("\tat ");
            assertThat(first.rest().get("/v1/host").status()).as("the first boxd serves on").isEqualTo(200);
        } finally {
            second.close();
            first.close();
            Kernel.killAndRemove(Kernel.mount().resolve(base));
            Kernel.deleteTree(tmp);
        }
    }
}
