package io.boxd.security;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * boxd in its own JVM, started the way an operator starts it (here from the test classpath), on a
 * free port, with its output in a file under {@code target/}.
 */
final class BoxdProcess implements AutoCloseable {

    final Process process;
    final int port;
    final Path log;
    final long startedNanos = System.nanoTime();

    private BoxdProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static BoxdProcess start(String name, Map<String, String> env, List<String> args) throws IOException {
        int port = freePort();
        Path log = Path.of("target", name + ".log");
        Files.createDirectories(log.getParent());
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "io.boxd.BoxdApplication", "--server.port=" + port));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("BOXD_TOKENS");
        pb.environment().putAll(env);
        return new BoxdProcess(pb.start(), port, log);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until readiness answers 200 and returns how long that took; fails if boxd exits first. */
    Duration awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("boxd exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - startedNanos);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("boxd was not ready within " + timeout + ":\n" + output());
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
