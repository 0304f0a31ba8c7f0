package io.boxd.reconcile;

import io.boxd.testkit.Http;
import io.boxd.testkit.Kernel;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * boxd as a real, separate JVM ({@code java -cp ... io.boxd.BoxdApplication}) on the real kernel,
 * started from the test's own classpath. The first JVM that is stopped gracefully leaves an AppCDS
 * archive that every later start maps, which roughly halves the start on this 2-core host.
 */
final class BoxdJvm implements AutoCloseable {

    private static final Path TMP;
    private static List<String> classpath;
    private static boolean dumpInFlight;

    static {
        try {
            TMP = Files.createTempDirectory("boxd-jvm-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Kernel.deleteTree(TMP)));
    }

    final Path dataDir;
    final String base;
    final Path log;
    private final List<String> extraArgs;
    private Process process;
    private boolean dumping;
    private int port;
    private Http rest;

    BoxdJvm(Path dataDir, String base, Path log, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.base = base;
        this.log = log;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts boxd and waits until readiness is UP (the startup reconcile is done then); returns the millis it took. */
    long start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("boxd is already running");
        }
        port = freePort();
        // Beside the data dir, in the test's own temp dir: a boxd killed with SIGKILL never stops
        // Tomcat, which is what removes its tomcat.* dirs from java.io.tmpdir.
        Path javaTmp = Files.createDirectories(dataDir.resolveSibling("java-tmp"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off", "-Djava.io.tmpdir=" + javaTmp));
        cmd.addAll(cdsFlags());
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classpath()), "io.boxd.BoxdApplication",
                "--server.port=" + port, "--boxd.data-dir=" + dataDir, "--boxd.cgroup.base=" + base,
                "--boxd.driver=cgroupfs", "--boxd.reconcile.interval=0",
                // As every test (src/test/resources/application.properties, not on this classpath):
                // every boxd of the run locks its tree in one place, not in /run/boxd.
                "--boxd.reconcile.lock-dir=" + Path.of("target", "test-locks").toAbsolutePath(),
                // As every test: no tokens, 127.0.0.1 only (src/test/resources/application.properties).
                "--boxd.security.mode=insecure-loopback-only"));
        cmd.addAll(extraArgs);
        long t0 = System.nanoTime();
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        rest = new Http(port);
        long deadline = t0 + TimeUnit.SECONDS.toNanos(240);
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("boxd exited with " + process.exitValue() + " before it was ready; log tail:\n" + tail());
            }
            try {
                Http.Reply r = rest.trySend("GET", "/actuator/health/readiness", null);
                if (r.status() == 200 && r.json() != null && "UP".equals(r.json().path("status").asString())) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("boxd not ready within 240 s; log tail:\n" + tail());
            }
            Kernel.sleep(50);
        }
    }

    Http rest() {
        return rest;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL (Process.destroyForcibly on Unix); returns the exit status, 137 = 128 + SIGKILL. */
    int kill9() throws InterruptedException {
        process.destroyForcibly();
        int code = process.waitFor();
        dumpEnded();
        return code;
    }

    /** SIGTERM and a graceful shutdown (this is when a JVM started with the dump flag writes the CDS archive). */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        int code = process.waitFor();
        dumpEnded();
        return code;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill9();
        }
    }

    /** From the last ERROR line of the log (the stack trace of a 500 starts there), else {@link #tail}. */
    String lastError() {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).contains(" ERROR ")) {
                    return String.join("\n", lines.subList(i, Math.min(lines.size(), i + 80)));
                }
            }
            return tail();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    // ---- the classpath and the CDS archive ------------------------------------------------------

    private static Path archive() {
        return TMP.resolve("boxd.jsa");
    }

    private List<String> cdsFlags() {
        synchronized (BoxdJvm.class) {
            if (Files.exists(archive())) {
                return List.of("-XX:SharedArchiveFile=" + archive());
            }
            if (!dumpInFlight) {
                dumpInFlight = true;
                dumping = true;
                return List.of("-XX:ArchiveClassesAtExit=" + archive());
            }
            return List.of();
        }
    }

    private void dumpEnded() {
        synchronized (BoxdJvm.class) {
            if (dumping) {
                dumping = false;
                dumpInFlight = false;
            }
        }
    }

    /**
     * The test's runtime classpath without test classes; directories are packed into jars, since
     * AppCDS refuses non-empty directories on the classpath.
     */
    static synchronized List<String> classpath() throws IOException {
        if (classpath != null) {
            return classpath;
        }
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
            entries = manifestClassPath(Path.of(entries.get(0)), entries);
        }
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String e : entries) {
            Path p = Path.of(e);
            if (e.isBlank() || p.endsWith("test-classes") || !Files.exists(p)) {
                continue;
            }
            if (Files.isDirectory(p)) {
                Path jar = TMP.resolve("dir-" + (n++) + ".jar");
                jarOf(p, jar);
                out.add(jar.toString());
            } else {
                out.add(p.toString());
            }
        }
        classpath = List.copyOf(out);
        return classpath;
    }

    /** Surefire may run tests from a manifest-only jar; its Class-Path holds the real entries. */
    private static List<String> manifestClassPath(Path jar, List<String> fallback) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            String cp = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp == null || cp.isBlank()) {
                return fallback;
            }
            List<String> out = new ArrayList<>();
            for (String u : cp.trim().split("\\s+")) {
                URI uri = jar.toUri().resolve(u);
                out.add(Path.of(uri).toString());
            }
            return out;
        }
    }

    /** A jar of a classes directory, with directory entries (Spring's component scan needs them). */
    private static void jarOf(Path dir, Path jar) throws IOException {
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
             Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = dir.relativize(p).toString().replace(File.separatorChar, '/');
                if (name.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    out.putNextEntry(new JarEntry(name + "/"));
                    out.closeEntry();
                } else {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(p, out);
                    out.closeEntry();
                }
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
