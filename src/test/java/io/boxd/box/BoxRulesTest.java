package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BoxRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "..", ".", "a/b", "a.b", "cgroup.procs", "-a", "_a", "a b", "ä",
            "a12345678901234567890123456789012345678901234567890123456789012345"})
    void rejectsIdsThatCouldNameAnythingButABox(String id) {
        assertThat(BoxRules.id("id", id)).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "A0", "box-1", "box_1", "a123456789012345678901234567890123456789012345678901234567890123"})
    void acceptsIdsOfTheDocumentedShape(String id) {
        assertThat(BoxRules.id("id", id)).isEmpty();
    }

    @Test
    void processNeedsANonEmptyArgvAndAbsoluteCwd() {
        assertThat(BoxRules.process(new NewProcess(List.of(), null, null, null, null))).extracting(v -> v.field()).containsExactly("argv");
        assertThat(BoxRules.process(new NewProcess(List.of("sleep", "1"), null, "rel/dir", null, null))).extracting(v -> v.field()).containsExactly("cwd");
        assertThat(BoxRules.process(new NewProcess(List.of("sleep"), Map.of("1BAD", "x"), null, -1, null))).extracting(v -> v.field()).containsExactly("env", "uid");
    }

    /** Field, then the request's argv, env value and cwd ("-" for none); JSON's \\ud800 makes a lone surrogate. */
    @ParameterizedTest(name = "{0}: {1} / {2} / {3}")
    @CsvSource(delimiter = '|', textBlock = """
            argv[0]  | /bin/ech\\ud800o       | -          | -          | must be valid Unicode: an unpaired surrogate at index 8
            argv[1]  | /bin/echo,ab\\udc00    | -          | -          | must be valid Unicode: an unpaired surrogate at index 2
            env.V    | /bin/echo             | x\\ud800    | -          | must be valid Unicode: an unpaired surrogate at index 1
            cwd      | /bin/echo             | -          | /tm\\ud800p | must be valid Unicode: an unpaired surrogate at index 3
            cwd      | /bin/echo             | -          | /tmp\\u0000 | must not contain NUL
            """)
    void textThatCannotReachTheKernelIsRefusedByField(String field, String argv, String env, String cwd, String message) {
        NewProcess req = new NewProcess(List.of(unescape(argv).split(",")), env.equals("-") ? null : Map.of("V", unescape(env)),
                cwd.equals("-") ? null : unescape(cwd), null, null);
        assertThat(BoxRules.process(req)).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.message()).isEqualTo(message);
        });
    }

    @Test
    void aSurrogatePairIsText() {
        assertThat(BoxRules.process(new NewProcess(List.of("/bin/echo", "\ud83d\ude00"), Map.of("V", "\ud83d\ude00"), "/tmp", null, null)))
                .isEmpty();
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\u", i)) {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }

    @Test
    void labelsHaveBoundedKeysAndValues() {
        assertThat(BoxRules.labels(Map.of("team", "docs", "k8s.io/app", "x"))).isEmpty();
        assertThat(BoxRules.labels(Map.of("bad key", "x"))).hasSize(1);
        assertThat(BoxRules.labels(Map.of("k", "x".repeat(256)))).hasSize(1);
    }

    /** A bound in characters counts what a client counts (JSON Schema's maxLength): an emoji is one, not two UTF-16 units. */
    @ParameterizedTest
    @CsvSource({
            "label, x, 255, true",
            "label, x, 256, false",
            "label, \uD83D\uDE00, 255, true",
            "label, \uD83D\uDE00, 256, false",
            "label, \u00E9, 255, true",
            "arg, x, 4096, true",
            "arg, \uD83D\uDE00, 4096, true",
            "arg, \uD83D\uDE00, 4097, false",
            "env, \uD83D\uDE00, 4096, true",
            "env, \uD83D\uDE00, 4097, false"})
    void boundsInCharactersCountCodePoints(String where, String character, int times, boolean fits) {
        String value = unescape(character).repeat(times);
        List<?> violations = switch (where) {
            case "label" -> BoxRules.labels(Map.of("k", value));
            case "arg" -> BoxRules.process(new NewProcess(List.of("true", value), null, null, null, null));
            default -> BoxRules.process(new NewProcess(List.of("true"), Map.of("V", value), null, null, null));
        };
        assertThat(violations).as("%s of %d x %s", where, times, character).hasSize(fits ? 0 : 1);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"null, 10", "0, 0", "1, 1", "3600, 3600"})
    void aGracePeriodIsTenSecondsByDefaultAndAtMostAnHour(String given, int seconds) {
        assertThat(BoxRules.graceSeconds(given == null ? null : new BigInteger(given))).isEqualTo(seconds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "3601", "2147483648", "99999999999999999999"})
    void aGracePeriodOutOfBoundsIsRefusedWithTheValueAsSent(String given) {
        assertThatThrownBy(() -> BoxRules.graceSeconds(new BigInteger(given)))
                .isInstanceOf(BoxProblems.Invalid.class)
                .hasMessage("graceSeconds must be between 0 and 3600, was " + given);
    }

    @ParameterizedTest
    @CsvSource({
            "/proc/self/cwd, true",
            "/proc/self, true",
            "/proc/thread-self/cwd, true",
            "//proc/./self/cwd, true",
            "/dev/fd/3, true",
            "/dev/stdin, true",
            "/proc/net, true",
            "/proc/1/cwd, false",
            "/proc, false",
            "/proc/selfish, false",
            "/srv/proc/self, false",
            "/, false",
            "/tmp, false"})
    void aCwdThroughTheSpawnersOwnProcIsSeen(String cwd, boolean through) {
        assertThat(BoxRules.throughSelf(cwd)).isEqualTo(through);
        assertThat(BoxRules.process(new NewProcess(List.of("true"), null, cwd, null, null)))
                .extracting(v -> v.field()).isEqualTo(through ? List.of("cwd") : List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dev/fd/../cwd", "/proc/net/../cwd", "/tmp/..", "/proc/1/../self/fd/3", "/a/b/../c"})
    void aCwdWithDotDotIsRefusedSinceItCouldHideALinkIntoProcSelf(String cwd) {
        assertThat(BoxRules.process(new NewProcess(List.of("true"), null, cwd, null, null)))
                .extracting(v -> v.message()).containsExactly("must not contain '..', was " + cwd);
    }
}
