package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native spawn server's own protocol, driven byte by byte as boxd never would: requests that
 * boxd's {@link SpawnServer#request} cannot produce must be answered or end the server, never
 * crash it or run anything. The driver kernel tests cover what boxd does send.
 */
class NativeSpawnServerProtocolTest {

    @TempDir
    Path tmp;

    Path mount;
    String base;
    Path cgroup;
    Process server;
    OutputStream to;
    InputStream from;

    @BeforeEach
    void start() throws IOException, URISyntaxException {
        var built = SpawnServers.class.getResource(SpawnServers.NATIVE);
        assertThat(built).as("the build compiles the native server (needs /usr/bin/cc)").isNotNull();
        mount = KernelCgroups.mount();
        base = KernelCgroups.uniqueBase();
        cgroup = Files.createDirectories(mount.resolve(base).resolve("p"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(built.toURI()).toString());
        pb.environment().clear();
        server = pb.start();
        to = server.getOutputStream();
        from = server.getInputStream();
        assertThat(line()).isEqualTo("ready");
    }

    @AfterEach
    void stop() throws Exception {
        server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        KernelCgroups.cleanUp(mount, base);   // the scratch cgroup and anything in it; asserts it is gone
    }

    @Test
    void requestsWhoseFieldsDoNotAddUpAreRefusedAndTheServerServesOn() throws IOException {
        assertThat(send(fields("a", "b"))).isEqualTo("failed 0 malformed request");
        assertThat(send(request("5", "true"))).as("argc beyond the fields").isEqualTo("failed 0 malformed request");
        assertThat(send(request("x", "true"))).as("argc not a number").isEqualTo("failed 0 malformed request");
        assertThat(send(request("0"))).as("no argv").isEqualTo("failed 0 malformed request");
        assertThat(send(new byte[0])).isEqualTo("failed 0 malformed request");

        String ok = send(request("2", "sleep", "300", "PATH=/bin:/usr/bin"));

        assertThat(ok).startsWith("ok ");
        long pid = Long.parseLong(ok.substring(3));
        assertThat(Kernel.cgroupOf(pid)).isEqualTo("/" + base + "/p");
    }

    @Test
    void anIdThatIsNotADecimalNumberIsRefusedBeforeAnythingRuns() throws IOException {
        Path marker = tmp.resolve("ran");
        for (String uid : List.of("12x", "-1", "+5", " 5", "4294967295", "99999999999")) {
            String said = send(fields(cgroup.resolve("cgroup.procs").toString(), "/" + base + "/p", tmp.resolve("log").toString(),
                    "", uid, "", "2", "/usr/bin/touch", marker.toString(), "PATH=/bin"));
            assertThat(said).as("uid '" + uid + "'").isEqualTo("failed 127 bad uid " + uid);
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void aRequestOfTwentyThousandArgumentsReachesTheTargetWhole() throws Exception {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "echo $# \"$1\" \"${19999}\" \"$K\"", "sh"));
        for (int i = 0; i < 19_999; i++) {
            argv.add("a" + i);
        }
        List<String> f = new ArrayList<>();
        f.add(Integer.toString(argv.size()));
        f.addAll(argv);
        f.add("K=" + "v".repeat(100_000));
        f.add("PATH=/bin:/usr/bin");

        assertThat(send(request(f.toArray(String[]::new)))).startsWith("ok ");

        for (int i = 0; i < 1000 && Kernel.populated(cgroup); i++) {
            Thread.sleep(5);
        }
        assertThat(Kernel.populated(cgroup)).as("the target exited").isFalse();
        assertThat(Files.readString(tmp.resolve("log")).trim()).isEqualTo("19999 a0 a19998 " + "v".repeat(100_000));
    }

    @Test
    void aLengthLineThatIsNotOneToEightDigitsEndsTheServer() throws Exception {
        to.write("12345678901\n".getBytes(StandardCharsets.US_ASCII));
        to.flush();

        assertThat(server.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isZero();
        assertThat(from.read()).as("no answer").isEqualTo(-1);
    }

    /** procs, cgroup, log, cwd, uid, gid (the scratch cgroup, no cwd or ids), then {@code rest}. */
    private byte[] request(String... rest) {
        List<String> f = new ArrayList<>(List.of(cgroup.resolve("cgroup.procs").toString(), "/" + base + "/p",
                tmp.resolve("log").toString(), "", "", ""));
        f.addAll(List.of(rest));
        return fields(f.toArray(String[]::new));
    }

    private static byte[] fields(String... f) {
        return String.join("\0", f).getBytes(StandardCharsets.UTF_8);
    }

    private String send(byte[] payload) throws IOException {
        to.write((payload.length + "\n").getBytes(StandardCharsets.US_ASCII));
        to.write(payload);
        to.flush();
        return line();
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = from.read()) != -1 && c != '\n') {
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
