package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** boxd.spawn.allowed-uids/gids entries as written in configuration, and as Spring binds them. */
class IdRangeTest {

    @ParameterizedTest(name = "''{0}'' is {1} to {2}")
    @CsvSource(delimiter = '|', value = {
            "1000|1000|1000",
            "0|0|0",
            "100000-165535|100000|165535",
            "' 7 - 9 '|7|9",
            "5-5|5|5",
            "2147483647|2147483647|2147483647",
    })
    void anIdOrARangeIsRead(String text, int first, int last) {
        IdRange r = IdRange.valueOf(text);
        assertThat(r).isEqualTo(new IdRange(first, last));
        assertThat(r.contains(first)).isTrue();
        assertThat(r.contains(last)).isTrue();
        assertThat(r.contains(first - 1)).isFalse();
        if (last < Integer.MAX_VALUE) {
            assertThat(r.contains(last + 1)).isFalse();
        }
    }

    @ParameterizedTest(name = "''{0}'': {1}")
    @CsvSource(delimiter = '|', value = {
            "5-1|ends before it starts",
            "-5|ids are 0 or more",
            "1--5|ends before it starts",
            "abc|neither an id nor a range",
            "1-|neither an id nor a range",
            "''|neither an id nor a range",
            "1-2-3|neither an id nor a range",
            "4294967295|neither an id nor a range",
    })
    void anythingElseIsRefusedSayingWhy(String text, String why) {
        assertThatThrownBy(() -> IdRange.valueOf(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
    }

    @Test
    void printsAsItIsWritten() {
        assertThat(List.of(IdRange.valueOf("1000"), IdRange.valueOf("100000-165535")).toString()).isEqualTo("[1000, 100000-165535]");
    }

    @Test
    void springBindsCommaSeparatedStringsAndYamlIntegers() {
        Binder strings = new Binder(new MapConfigurationPropertySource(Map.of("boxd.spawn.allowed-uids", "1000, 100000-165535")));
        assertThat(strings.bindOrCreate("boxd.spawn", SpawnProperties.class).allowedUids())
                .containsExactly(new IdRange(1000, 1000), new IdRange(100000, 165535));
        Binder yaml = new Binder(new MapConfigurationPropertySource(Map.of(
                "boxd.spawn.allowed-gids[0]", 1000, "boxd.spawn.allowed-gids[1]", "2000-2999")));
        SpawnProperties p = yaml.bindOrCreate("boxd.spawn", SpawnProperties.class);
        assertThat(p.allowedGids()).containsExactly(new IdRange(1000, 1000), new IdRange(2000, 2999));
        assertThat(p.allowsGid(2500)).isTrue();
        assertThat(p.allowsGid(1500)).isFalse();
        assertThat(p.allowedUids()).isEmpty();
    }

    @Test
    void aBadEntryFailsTheBindingNamingTheProperty() {
        Binder bad = new Binder(new MapConfigurationPropertySource(Map.of("boxd.spawn.allowed-uids", "1000,9-1")));
        assertThatThrownBy(() -> bad.bindOrCreate("boxd.spawn", SpawnProperties.class))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("boxd.spawn.allowed-uids")
                .rootCause().hasMessageContaining("ends before it starts");
    }
}
