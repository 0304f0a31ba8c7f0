package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.boxd.testkit.Http.Reply;
import io.boxd.testkit.Kernel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.test.context.TestPropertySource;

/**
 * boxd.data-dir on a real 16 MiB tmpfs that a box fills with its output, as any box printing in a
 * loop fills a real disk: H2 cannot write, and boxd answers 503, keeps no half-made box or
 * unrecorded process, says so in its health, records late what happened meanwhile, and serves
 * again, without a restart, once there is room. Before, every request was a 500 until boxd was
 * restarted, and health said UP. With the records in PostgreSQL (CI's postgres stage) the full
 * disk stops only the box logs, and the other test runs instead.
 */
// No periodic reconcile: a state that follows the kernel after the outage is the exit watcher's doing.
// No log cap: what is tested is a disk that fills anyway (many boxes, or a cap set too high).
@TestPropertySource(properties = {"boxd.enforcement=best-effort", "management.health.diskspace.threshold=1MB",
        "boxd.reconcile.interval=0", "boxd.logs.max-size=0"})
class DiskFullApiTest extends RealServerTest {

    static final Sandbox sandbox = Sandbox.create("diskfull").withDataDirOnTmpfs("16m");

    @Value("${spring.datasource.url}")
    String datasourceUrl;

    @Autowired
    ApplicationContext ctx;

    /** Where a box (uid 65534) looks for the file that tells it to exit. */
    Path trigger;

    @BeforeEach
    void triggerDir() throws IOException {
        trigger = Files.createTempDirectory("boxd-diskfull-");
        Files.setPosixFilePermissions(trigger, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeTriggerDir() throws IOException {
        Files.deleteIfExists(trigger.resolve("go"));
        Files.deleteIfExists(trigger);
    }

    @Test
    void aBoxThatFillsTheDataDiskGets503sAndBoxdServesAgainOnceThereIsRoom() throws Exception {
        assumeTrue(h2(), "the records are not on the data disk here but in " + datasourceUrl
                + "; aFullDataDiskDoesNotStopBoxdWhenItsRecordsAreElsewhere covers this database");
        String filler = unique("filler");
        String survivor = unique("survivor");
        String quitter = unique("quitter");
        assertThat(http.post("/v1/boxes", "{\"id\":\"" + survivor + "\"}").status()).isEqualTo(201);
        assertThat(http.post("/v1/boxes", "{\"id\":\"" + quitter + "\"}").status()).isEqualTo(201);
        Path go = trigger.resolve("go");
        assertThat(http.post("/v1/boxes/" + quitter + "/processes", "{\"argv\":[\"/bin/sh\",\"-c\",\"while [ ! -e " + go
                + " ]; do sleep 0.05; done\"]}").status()).isEqualTo(201);
        fillTheDataDisk(filler);

        // Creates: each is made or refused whole, never a 500, and the refusal says why.
        List<String> made = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Reply firstRefusal = null;
        for (int i = 0; i < 50 && refused.size() < 3; i++) {
            String id = unique("during");
            Reply r = http.post("/v1/boxes", "{\"id\":\"" + id + "\"}");
            assertThat(r.status()).as("create on a full disk: %s", r).isIn(201, 503);
            if (r.status() == 201) {
                made.add(id);
            } else {
                refused.add(id);
                firstRefusal = firstRefusal == null ? r : firstRefusal;
            }
        }
        assertThat(firstRefusal).as("a full disk must refuse some create (made %s)", made).isNotNull();
        firstRefusal.problem(503, "database-unavailable");
        assertThat(firstRefusal.json().path("detail").asString()).contains("No space left on device");
        assertThat(firstRefusal.header("Retry-After")).isEqualTo("5");
        for (String id : refused) {
            assertThat(sandbox.boxDir(id)).as("a refused create leaves no cgroup").doesNotExist();
        }

        // Spawns: a process whose start could not be recorded is not left running.
        int recorded = 0;
        int unrecorded = 0;
        for (int i = 0; i < 20 && unrecorded < 3; i++) {
            Reply r = http.post("/v1/boxes/" + survivor + "/processes", "{\"argv\":[\"/bin/sleep\",\"1000\"]}");
            assertThat(r.status()).as("spawn on a full disk: %s", r).isIn(201, 503);
            if (r.status() == 201) {
                recorded++;
            } else {
                r.problem(503, "database-unavailable");
                unrecorded++;
            }
        }
        assertThat(unrecorded).as("a full disk must refuse some spawn").isPositive();
        int expected = recorded;
        await("only recorded processes run in " + survivor, () -> Kernel.procs(sandbox.boxDir(survivor)).size() == expected);

        // A box whose last process exits now, while its exit cannot be recorded.
        Files.createFile(go);
        await(quitter + " empties", () -> Kernel.procs(sandbox.boxDir(quitter)).isEmpty());

        Reply ready = http.get("/actuator/health/readiness");
        assertThat(ready.status()).as("%s", ready).isEqualTo(503);
        assertThat(ready.json().path("components").path("diskSpace").path("status").asString()).isEqualTo("DOWN");

        // The kill reaches the kernel even when it cannot be recorded.
        Reply kill = http.post("/v1/boxes/" + filler + "/kill", "");
        assertThat(kill.status()).as("%s", kill).isIn(200, 503);
        assertThat(Kernel.procs(sandbox.boxDir(filler))).isEmpty();

        makeRoom(filler);
        String after = unique("after");
        Reply created = http.post("/v1/boxes", "{\"id\":\"" + after + "\"}");
        assertThat(created.status()).as("the first create after room was made: %s", created).isEqualTo(201);
        assertThat(ctx.getBean("h2Housekeeping", SmartLifecycle.class).isRunning())
                .as("H2 housekeeping still runs after the database was closed and opened again").isTrue();
        Reply killed = http.post("/v1/boxes/" + filler + "/kill", "");
        assertThat(killed.status()).as("%s", killed).isEqualTo(200);
        assertThat(killed.json().path("state").asString()).isEqualTo("STOPPED");
        for (String id : made) {
            assertThat(http.get("/v1/boxes/" + id).status()).as("box %s, made while the disk filled", id).isEqualTo(200);
        }
        assertThat(http.events(survivor).stream().filter(e -> e.path("type").asString().equals("process-started")))
                .as("a started event for each spawn answered 201, none for a refused one").hasSize(recorded);
        await(quitter + "'s exit recorded once the database is back",
                () -> http.get("/v1/boxes/" + quitter).json().path("state").asString().equals("EXITED"));
        assertThat(http.events(quitter).stream().filter(e -> e.path("type").asString().equals("exited"))).hasSize(1);
        for (String id : List.of(filler, survivor, quitter, after)) {
            assertThat(http.delete("/v1/boxes/" + id + "?force=true").status()).isEqualTo(204);
        }
    }

    @Test
    void aFullDataDiskDoesNotStopBoxdWhenItsRecordsAreElsewhere() throws Exception {
        assumeFalse(h2(), "H2 keeps the records on the data disk: aBoxThatFillsTheDataDiskGets503s... covers it");
        String filler = unique("filler");
        String other = unique("other");
        fillTheDataDisk(filler);
        assertThat(http.post("/v1/boxes", "{\"id\":\"" + other + "\"}").status()).isEqualTo(201);
        Reply r = http.post("/v1/boxes/" + other + "/processes", "{\"argv\":[\"/bin/sleep\",\"1000\"]}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        Reply ready = http.get("/actuator/health/readiness");
        assertThat(ready.status()).as("%s", ready).isEqualTo(503);
        assertThat(ready.json().path("components").path("diskSpace").path("status").asString()).isEqualTo("DOWN");
        assertThat(http.post("/v1/boxes/" + filler + "/kill", "").status()).isEqualTo(200);
        makeRoom(filler);
        for (String id : List.of(filler, other)) {
            assertThat(http.delete("/v1/boxes/" + id + "?force=true").status()).isEqualTo(204);
        }
    }

    private boolean h2() {
        return datasourceUrl.startsWith("jdbc:h2:");
    }

    /** A box that writes to its log until the data disk is full; the pause lets its spawn be recorded first. */
    private void fillTheDataDisk(String filler) throws InterruptedException {
        assertThat(http.post("/v1/boxes", "{\"id\":\"" + filler + "\"}").status()).isEqualTo(201);
        Reply spawned = http.post("/v1/boxes/" + filler + "/processes",
                "{\"argv\":[\"/bin/sh\",\"-c\",\"sleep 0.5; exec yes aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]}");
        assertThat(spawned.status()).as("%s", spawned).isEqualTo(201);
        await("the box's log fills the data disk", () -> usable(sandbox.dataDir()) < 64 * 1024);
    }

    /** What an operator does: truncate the box's log (boxd is not restarted), then readiness is UP again. */
    private void makeRoom(String filler) throws IOException, InterruptedException {
        try (FileChannel log = FileChannel.open(sandbox.dataDir().resolve("logs").resolve(filler + ".log"), StandardOpenOption.WRITE)) {
            log.truncate(0);
        }
        await("readiness UP once there is room", () -> http.get("/actuator/health/readiness").status() == 200);
    }

    private static long usable(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting: %s", what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
