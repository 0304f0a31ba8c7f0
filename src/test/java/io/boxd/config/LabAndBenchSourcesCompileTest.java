package io.boxd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java programs under {@code lab/} and {@code bench/} compile against boxd's classes as they
 * are now. They run only in the kernel lab's VM or by hand, so a changed constructor would
 * otherwise surface there, in CI's last stages, as a lab check that cannot run.
 */
class LabAndBenchSourcesCompileTest {

    @TempDir
    Path out;

    @Test
    void everyJavaSourceUnderLabAndBenchCompiles() throws Exception {
        List<String> sources;
        try (Stream<Path> lab = Files.walk(Path.of("lab")); Stream<Path> bench = Files.walk(Path.of("bench"))) {
            sources = Stream.concat(lab, bench).filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith("lab/out")).map(Path::toString).sorted().toList();
        }
        assertThat(sources).contains("lab/systemd/CreateTimer.java", "bench/h2/H2Commits.java");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        List<String> options = List.of("-nowarn", "-proc:none", "-d", out.toString(), "-cp", System.getProperty("java.class.path"));
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            ok = javac.getTask(errors, files, null, options, null, files.getJavaFileObjectsFromStrings(sources)).call();
        }

        assertThat(ok).as("javac %s%n%s", sources, errors).isTrue();
    }
}
