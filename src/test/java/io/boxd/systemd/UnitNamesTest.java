package io.boxd.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitNamesTest {

    private final UnitNames names = new UnitNames("boxlite");

    @ParameterizedTest(name = "box {0} is slice {1}")
    @CsvSource(delimiter = '|', value = {
            "web       | boxlite-web.slice",
            "a-b       | boxlite-a\\x2db.slice",
            "x_1-2-3   | boxlite-x_1\\x2d2\\x2d3.slice",
            "Z         | boxlite-Z.slice"})
    void aBoxIsASliceUnderTheBaseWithItsDashesEscaped(String id, String slice) {
        assertThat(names.boxSlice(id)).isEqualTo(slice);
        assertThat(names.boxIdOf(slice)).contains(id);
    }

    @ParameterizedTest(name = "{0} belongs to {1}")
    @CsvSource(delimiter = '|', value = {
            "boxlite-a\\x2db-p123.scope | a-b",
            "boxlite-web-p1.scope       | web"})
    void aProcessScopeMapsBackToItsBox(String scope, String id) {
        assertThat(names.boxIdOf(scope)).contains(id);
    }

    @ParameterizedTest(name = "{0} is not a box unit")
    @ValueSource(strings = {"boxlite.slice", "boxlite-a-b.slice", "other-web.slice", "boxlite-web.service",
            "boxlite-web-pX.scope", "boxlite-.slice", "boxlite-_x.slice"})
    void namesBoxdWouldNotMakeMapToNoBox(String unit) {
        assertThat(names.boxIdOf(unit)).isEqualTo(Optional.empty());
    }

    @ParameterizedTest(name = "prefix {0} is refused")
    @ValueSource(strings = {"", "a/b", "-x", "x-", "a--b", "bad.name"})
    void aPrefixThatIsNotAPlainSliceNameIsRefused(String prefix) {
        assertThatThrownBy(() -> new UnitNames(prefix)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void anIdMadeOfDashesThatWouldOverflowSystemdsNameLimitIsRefused() {
        String id = "a" + "-".repeat(63);
        assertThatThrownBy(() -> names.boxSlice(id)).hasMessageContaining("longer than systemd's 255");
    }
}
