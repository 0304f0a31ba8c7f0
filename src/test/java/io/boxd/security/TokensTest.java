package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token entries from the three sources, their rules, and matching. */
class TokensTest {

    static final String OP = "op-0123456789abcdef0123";
    static final String VW = "vw-0123456789abcdef0123";

    @TempDir
    Path tmp;

    @Test
    void mergesListEnvironmentAndFile() throws Exception {
        Path file = tmp.resolve("tokens");
        Files.writeString(file, "# boxd tokens\n\n  ci:ci-0123456789abcdef:operator  \n# grafana:x:viewer\n");
        Tokens t = Tokens.load(List.of("admin:" + OP + ":operator"), " watcher:" + VW + ":viewer , ", file);
        assertThat(t.describe()).containsExactly("admin (operator)", "watcher (viewer)", "ci (operator)");
        assertThat(t.match(OP)).contains(new Tokens.Caller("admin", Role.OPERATOR));
        assertThat(t.match(VW)).contains(new Tokens.Caller("watcher", Role.VIEWER));
        assertThat(t.match("ci-0123456789abcdef")).contains(new Tokens.Caller("ci", Role.OPERATOR));
    }

    @Test
    void aTokenMayContainColonsAndTheRoleIsCaseInsensitive() {
        Tokens t = Tokens.load(List.of("svc:a:b:c:0123456789abcdef:OPERATOR"), null, null);
        assertThat(t.match("a:b:c:0123456789abcdef")).contains(new Tokens.Caller("svc", Role.OPERATOR));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "op-0123456789abcdef012", OP + "4", " " + OP, "admin", "operator",
            "admin:" + OP + ":operator", "OP-0123456789ABCDEF0123"})
    void onlyTheExactTokenMatches(String presented) {
        Tokens t = Tokens.load(List.of("admin:" + OP + ":operator"), null, null);
        assertThat(t.match(presented)).isEmpty();
        assertThat(t.match(null)).isEmpty();
    }

    @Test
    void nothingConfiguredIsEmpty() {
        assertThat(Tokens.load(List.of(), null, null).size()).isZero();
        assertThat(Tokens.load(List.of(""), "  ", null).size()).isZero();
    }

    /** Malformed entries stop boxd, and the message never contains the token. */
    @ParameterizedTest
    @ValueSource(strings = {
            "admin:" + OP,                       // two parts
            OP,                                  // one part
            ":" + OP + ":operator",              // no name
            "ad min:" + OP + ":operator",        // bad name
            "admin:" + OP + ":root",             // unknown role
            "operator:admin:" + OP,              // misordered: the role slot holds the token
            OP + ":admin:operator",              // misordered: the name slot holds the token (too short token)
            "admin:short:operator",              // too short
            "admin:" + OP + " x:operator",       // space in the token
            "admin:" + OP + "é:operator"})       // non-ASCII
    void malformedEntriesAreRefusedWithoutEchoingTheToken(String entry) {
        assertThatThrownBy(() -> Tokens.load(List.of(entry), null, null))
                .isInstanceOf(SecurityConfigException.class)
                .hasMessageStartingWith("boxd.security.tokens[0] ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(OP.substring(3)))
                .satisfies(e -> assertThat(((SecurityConfigException) e).action()).contains("name:token:role"));
    }

    @Test
    void sourcesAreNamedInMessages() throws Exception {
        assertThatThrownBy(() -> Tokens.load(List.of(), "a:" + OP + ":operator,b:bad:viewer", null))
                .hasMessageStartingWith("BOXD_TOKENS entry 2 has a token of 3 characters");
        Path file = tmp.resolve("tokens");
        Files.writeString(file, "# one\nadmin:" + OP + ":operator\nnope\n");
        assertThatThrownBy(() -> Tokens.load(List.of(), null, file))
                .hasMessageStartingWith(file + " line 3 is not name:token:role");
    }

    @Test
    void aMissingFileIsRefused() {
        assertThatThrownBy(() -> Tokens.load(List.of(), null, tmp.resolve("absent")))
                .isInstanceOf(SecurityConfigException.class)
                .hasMessageContaining("cannot read the tokens file " + tmp.resolve("absent"));
    }

    @Test
    void duplicateNamesAndDuplicateTokensAreRefused() {
        assertThatThrownBy(() -> Tokens.load(List.of("a:" + OP + ":operator"), "a:" + VW + ":viewer", null))
                .hasMessageContaining("'a' is configured twice");
        assertThatThrownBy(() -> Tokens.load(List.of("a:" + OP + ":operator", "b:" + OP + ":viewer"), null, null))
                .hasMessageContaining("also configured under another name")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(OP));
    }

    @Test
    void rolesAllowMethods() {
        for (String m : List.of("GET", "HEAD")) {
            assertThat(Role.VIEWER.allows(m)).as(m).isTrue();
        }
        for (String m : List.of("POST", "PATCH", "PUT", "DELETE", "OPTIONS", "get")) {
            assertThat(Role.VIEWER.allows(m)).as(m).isFalse();
            assertThat(Role.OPERATOR.allows(m)).as(m).isTrue();
        }
    }
}
