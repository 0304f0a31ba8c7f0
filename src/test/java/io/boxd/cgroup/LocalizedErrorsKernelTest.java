package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK reports an errno only as strerror text, in the locale the JVM started with, so with
 * {@code LANGUAGE=de} EBUSY reads "Das Gerät oder die Ressource ist belegt". boxd must not
 * read those words: a remove that meets EBUSY waits and retries, and a read that meets ENODEV
 * from a cgroup being removed is "gone", in any language. The probe runs in a JVM of its own.
 */
class LocalizedErrorsKernelTest {

    @TempDir
    Path tmp;

    @Test
    void busyAndVanishingCgroupsAreRecognisedWhateverTheLocale() throws Exception {
        Path mount = KernelCgroups.mount();
        String base = KernelCgroups.uniqueBase();
        List<String> out;
        int exit;
        int left;
        try {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LocalizedErrorsProbe.class.getName(),
                    mount.toString(), base, tmp.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("probe.out").toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("LC_"));
            pb.environment().put("LANG", "C.UTF-8");
            pb.environment().put("LANGUAGE", "de");
            Process p = pb.start();
            boolean finished = p.waitFor(60, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly().waitFor();
            }
            out = Files.readAllLines(tmp.resolve("probe.out"), StandardCharsets.UTF_8);
            assertThat(finished).as("probe finished within 60 s:\n" + String.join("\n", out)).isTrue();
            exit = p.exitValue();
        } finally {
            left = KernelCgroups.cleanUp(mount, base);
        }
        System.out.println("probe (LANGUAGE=de): " + String.join(" | ", out));
        assertThat(exit).as(String.join("\n", out)).isZero();
        assertThat(left).as("cgroups the probe left under " + base).isZero();
        Map<String, String> facts = new LinkedHashMap<>();
        List<String> readErrors = new ArrayList<>();
        for (String line : out) {
            int sp = line.indexOf(' ');
            if (line.startsWith("read-error ")) {
                readErrors.add(line);
            } else if (sp > 0) {
                facts.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        assumeThat(facts.get("locale")).as("glibc has no German messages here (Debian: libc-l10n); nothing to prove")
                .isNotEqualTo("Device or resource busy");
        assertThat(facts.get("locale")).isEqualTo("Das Gerät oder die Ressource ist belegt");
        assertThat(facts.get("rmdir")).isEqualTo("BUSY");
        assertThat(facts.get("remove")).isEqualTo("ok");
        assertThat(readErrors).as("reads of a cgroup being removed that boxd took for errors").isEmpty();
        assertThat(facts.get("read-errors")).isEqualTo("0");
        assertThat(Integer.parseInt(facts.get("raw-refusals")))
                .as("the race was real: plain reads met ENODEV, in " + facts.get("reads") + " reads").isPositive();
    }
}
