package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Kernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * boxd.logs.max-size against a real box printing as fast as it can ({@code yes}, about 1.7 GB/s
 * to a file on the build host): the log keeps the box's first bytes and boxd's note, its history
 * says so once, and the file stays near the cap while the box writes on, where it would grow by
 * gigabytes. A quiet box's log is left as it is.
 */
@TestPropertySource(properties = {"boxd.enforcement=best-effort", "boxd.logs.max-size=64KB",
        "boxd.logs.check-interval=20ms"})
class LogCapApiTest extends RealServerTest {

    static final Sandbox sandbox = Sandbox.create("logcap");
    static final int CAP = 64 * 1024;
    static final byte[] NOTE = ("\n[boxd: this log reached boxd.logs.max-size (" + CAP
            + " bytes); later output is dropped]\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void aBoxPrintingInALoopKeepsItsFirstBytesAndANote() throws Exception {
        String id = unique("chatty");
        assertThat(http.post("/v1/boxes", "{\"id\":\"" + id + "\"}").status()).isEqualTo(201);
        assertThat(http.post("/v1/boxes/" + id + "/processes", "{\"argv\":[\"yes\",\"line\"]}").status()).isEqualTo(201);
        Path log = sandbox.dataDir().resolve("logs").resolve(id + ".log");

        await("a log-capped event", () -> capEvents(id) == 1);
        long largest = 0;
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < until) {
            largest = Math.max(largest, Files.size(log));
            Thread.sleep(5);
        }
        assertThat(Kernel.procs(sandbox.boxDir(id))).as("yes still writes").isNotEmpty();
        // Uncapped, a second of yes is over a gigabyte here; capped, the file is cut every 20 ms.
        assertThat(largest).as("the largest size seen in a second of writing").isLessThan(256L * 1024 * 1024);

        assertThat(http.post("/v1/boxes/" + id + "/kill", "").status()).isEqualTo(200);
        await("the last cut after the writer died", () -> size(log) == CAP + NOTE.length);
        byte[] kept = Files.readAllBytes(log);
        assertThat(new String(kept, 0, CAP, StandardCharsets.US_ASCII))
                .as("the head of the box's output, whole").isEqualTo("line\n".repeat(CAP / 5) + "line\n".substring(0, CAP % 5));
        assertThat(Arrays.copyOfRange(kept, CAP, kept.length)).isEqualTo(NOTE);
        assertThat(capEvents(id)).as("one event however many cuts").isEqualTo(1);
        assertThat(http.events(id).stream().filter(e -> e.path("type").asString().equals("log-capped")).findFirst().orElseThrow()
                .path("detail").asString()).contains(id + ".log", "first " + CAP + " bytes are kept");
        assertThat(http.delete("/v1/boxes/" + id).status()).isEqualTo(204);
    }

    @Test
    void aBoxUnderTheCapKeepsAllItsOutput() throws Exception {
        String id = unique("quiet");
        assertThat(http.post("/v1/boxes", "{\"id\":\"" + id + "\"}").status()).isEqualTo(201);
        // Exactly the cap: not past it, so nothing is cut.
        String argv = "[\"/bin/sh\",\"-c\",\"yes x | head -c " + CAP + "; sleep 1000\"]";
        assertThat(http.post("/v1/boxes/" + id + "/processes", "{\"argv\":" + argv + "}").status()).isEqualTo(201);
        Path log = sandbox.dataDir().resolve("logs").resolve(id + ".log");
        await("the box's output", () -> size(log) == CAP);
        Thread.sleep(200); // ten looks
        assertThat(Files.readString(log)).isEqualTo("x\n".repeat(CAP / 2));
        assertThat(capEvents(id)).isZero();
        assertThat(http.delete("/v1/boxes/" + id + "?force=true").status()).isEqualTo(204);
    }

    private long capEvents(String id) {
        return http.events(id).stream().filter(e -> e.path("type").asString().equals("log-capped")).count();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting: %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
