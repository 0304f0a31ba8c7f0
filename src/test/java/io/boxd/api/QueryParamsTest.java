package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.box.BoxProblems.Invalid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParamsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0, 0", "7, 7", "010, 10", "-1, -1", "2147483647, 2147483647", "'', 42"})
    void plainDecimalsAreRead(String text, int value) {
        assertThat(QueryParams.decimal("page", new String[] {text}, 42)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x10", "#10", "+1", " 1", "1 ", "1.0", "1e3", "2147483648", "--1", "١"})
    void anythingButAPlainDecimalIntIsRefusedNamingIt(String text) {
        assertThatThrownBy(() -> QueryParams.decimal("page", new String[] {text}, 0)).isInstanceOfSatisfying(Invalid.class,
                e -> assertThat(e.getMessage()).isEqualTo("page must be an integer, was '" + text + "'"));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void aRepeatedParameterIsRefusedWithTheCount(int times) {
        String[] values = new String[times];
        java.util.Arrays.fill(values, "true");
        assertThatThrownBy(() -> QueryParams.bool("force", values, false)).isInstanceOfSatisfying(Invalid.class,
                e -> assertThat(e.getMessage()).isEqualTo("force must be given once, was given " + times + " times"));
        assertThatThrownBy(() -> QueryParams.once("state", values)).isInstanceOf(Invalid.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"true, true", "false, false", "True, true", "FALSE, false", "'', false"})
    void booleansAreTrueOrFalse(String text, boolean value) {
        assertThat(QueryParams.bool("force", new String[] {text}, false)).isEqualTo(value);
        assertThat(QueryParams.bool("force", null, true)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "on", "0", "t", " true"})
    void anyOtherBooleanIsRefused(String text) {
        assertThatThrownBy(() -> QueryParams.bool("force", new String[] {text}, false)).isInstanceOf(Invalid.class);
    }
}
