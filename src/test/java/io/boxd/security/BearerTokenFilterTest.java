package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The filter on its own: what is public, what each answer looks like, and the actor it leaves. */
class BearerTokenFilterTest {

    static final String OP = "op-0123456789abcdef0123";
    static final String VW = "vw-0123456789abcdef0123";
    static final Tokens TOKENS = Tokens.load(List.of("admin:" + OP + ":operator", "watcher:" + VW + ":viewer"), null, null);

    final BearerTokenFilter filter = new BearerTokenFilter(TOKENS, true);

    record Outcome(MockHttpServletResponse res, boolean passed, Object actor) {
        JsonNode json() throws Exception {
            return JsonMapper.builder().build().readTree(res.getContentAsByteArray());
        }
    }

    Outcome send(String method, String uri, String... authorization) throws Exception {
        MockHttpServletRequest req = new MockHttpServletRequest(method, uri);
        for (String a : authorization) {
            req.addHeader("Authorization", a);
        }
        MockHttpServletResponse res = new MockHttpServletResponse();
        AtomicReference<ServletRequest> seen = new AtomicReference<>();
        MockFilterChain chain = new MockFilterChain() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest r, jakarta.servlet.ServletResponse s) {
                seen.set(r);
            }
        };
        filter.doFilter(req, res, chain);
        return new Outcome(res, seen.get() != null, req.getAttribute(Actor.ATTRIBUTE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/health/liveness", "/actuator/health/readiness", "/swagger-ui.html",
            "/swagger-ui/index.html", "/swagger-ui/swagger-ui-bundle.js", "/v3/api-docs", "/v3/api-docs/swagger-config",
            "/v3/api-docs.yaml"})
    void probesAndDocsArePublicForReads(String path) throws Exception {
        assertThat(send("GET", path).passed()).isTrue();
        assertThat(send("HEAD", path).passed()).isTrue();
        assertThat(send("POST", path).res().getStatus()).isEqualTo(401);
    }

    /** Every other spelling of a public path, and everything else, needs a token. */
    @ParameterizedTest
    @ValueSource(strings = {"/", "/v1/boxes", "/v1/host", "/v1/reconcile", "/actuator/health", "/actuator/info",
            "/actuator/health/liveness/", "/actuator/health/liveness;a=b", "/actuator/health/%6civeness",
            "/actuator//health/liveness", "/actuator/health/./liveness", "/actuator/health/x/../liveness",
            "/swagger-ui/", "/swagger-ui/../v1/boxes", "/swagger-ui/..%2F..%2Fv1%2Fboxes", "/swagger-ui/%2e%2e/v1/boxes",
            "/swagger-ui\\..\\v1", "/swagger-ui/..", "/v3/api-docs/", "/v3/api-docsx", "/error", "/nope"})
    void everythingElseNeedsAToken(String path) throws Exception {
        Outcome o = send("GET", path);
        assertThat(o.passed()).isFalse();
        assertThat(o.res().getStatus()).isEqualTo(401);
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aChangeThatThrowsIsAuditedAsFailedNotAs200(org.springframework.boot.test.system.CapturedOutput out) {
        MockHttpServletRequest req = new MockHttpServletRequest("POST", "/v1/boxes/auditfail/kill");
        req.addHeader("Authorization", "Bearer " + OP);
        MockFilterChain chain = new MockFilterChain() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest r, jakarta.servlet.ServletResponse s) {
                throw new IllegalStateException("boom");
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> filter.doFilter(req, new MockHttpServletResponse(), chain))
                .hasMessage("boom");
        assertThat(out.getOut() + out.getErr()).contains("failed POST /v1/boxes/auditfail/kill by admin")
                .doesNotContain("200 POST /v1/boxes/auditfail/kill");
    }

    @Test
    void noTokenIs401ProblemWithAChallenge() throws Exception {
        Outcome o = send("GET", "/v1/boxes");
        assertThat(o.res().getStatus()).isEqualTo(401);
        assertThat(o.res().getContentType()).isEqualTo("application/problem+json");
        assertThat(o.res().getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"boxd\"");
        assertThat(o.res().getHeader("Cache-Control")).isEqualTo("no-store");
        JsonNode j = o.json();
        assertThat(j.path("type").asString()).isEqualTo("urn:boxd:problem:unauthorized");
        assertThat(j.path("status").asInt()).isEqualTo(401);
        assertThat(j.path("detail").asString()).contains("Authorization: Bearer <token>");
        assertThat(j.path("instance").asString()).isEqualTo("/v1/boxes");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Bearer wrong-0123456789abcdef | invalid_token",
            "Bearer                        | invalid_request",
            "Basic YWRtaW46cGFzcw==        | invalid_request",
            "Bearer a b                    | invalid_request",
            "Token " + OP + "              | invalid_request"})
    void badCredentialsAre401(String header, String error) throws Exception {
        Outcome o = send("GET", "/v1/boxes", header);
        assertThat(o.passed()).isFalse();
        assertThat(o.res().getStatus()).isEqualTo(401);
        assertThat(o.res().getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"boxd\", error=\"" + error + "\"");
        assertThat(o.json().path("type").asString()).isEqualTo("urn:boxd:problem:unauthorized");
        assertThat(o.res().getContentAsString()).doesNotContain(OP);
    }

    @Test
    void twoAuthorizationHeadersAre401EvenIfOneIsGood() throws Exception {
        assertThat(send("GET", "/v1/boxes", "Bearer " + OP, "Bearer " + VW).res().getStatus()).isEqualTo(401);
    }

    @Test
    void theSchemeIsCaseInsensitive() throws Exception {
        assertThat(send("GET", "/v1/boxes", "bearer " + VW).passed()).isTrue();
        assertThat(send("GET", "/v1/boxes", "BEARER  " + VW + " ").passed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PATCH", "DELETE", "PUT", "OPTIONS"})
    void aViewerMayOnlyRead(String method) throws Exception {
        Outcome o = send(method, "/v1/boxes/x", "Bearer " + VW);
        assertThat(o.passed()).isFalse();
        assertThat(o.res().getStatus()).isEqualTo(403);
        assertThat(o.json().path("type").asString()).isEqualTo("urn:boxd:problem:forbidden");
        assertThat(o.json().path("detail").asString()).contains("'watcher'", "viewer", method, "operator");
        assertThat(o.res().getHeader("WWW-Authenticate")).isNull();
    }

    @Test
    void aViewerReadsWithoutBecomingAnActor() throws Exception {
        Outcome o = send("GET", "/v1/boxes", "Bearer " + VW);
        assertThat(o.passed()).isTrue();
        assertThat(o.actor()).isNull();
    }

    @Test
    void anOperatorsChangeCarriesTheTokenName() throws Exception {
        Outcome o = send("POST", "/v1/boxes", "Bearer " + OP);
        assertThat(o.passed()).isTrue();
        assertThat(o.actor()).isEqualTo("admin");
        assertThat(send("GET", "/v1/boxes", "Bearer " + OP).actor()).isNull();
    }

    @Test
    void docsCanBeMadePrivate() throws Exception {
        BearerTokenFilter privateDocs = new BearerTokenFilter(TOKENS, false);
        MockHttpServletRequest req = new MockHttpServletRequest("GET", "/v3/api-docs");
        MockHttpServletResponse res = new MockHttpServletResponse();
        privateDocs.doFilter(req, res, new MockFilterChain());
        assertThat(res.getStatus()).isEqualTo(401);
        req = new MockHttpServletRequest("GET", "/actuator/health/liveness");
        res = new MockHttpServletResponse();
        privateDocs.doFilter(req, res, new MockFilterChain());
        assertThat(res.getStatus()).isEqualTo(200);
    }

    @Test
    void insecureModeChecksNothingAndNamesTheActorAnonymous() throws Exception {
        BearerTokenFilter open = BearerTokenFilter.insecure();
        MockHttpServletRequest req = new MockHttpServletRequest("DELETE", "/v1/boxes/x");
        MockHttpServletResponse res = new MockHttpServletResponse();
        open.doFilter(req, res, new MockFilterChain());
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(req.getAttribute(Actor.ATTRIBUTE)).isEqualTo(Actor.ANONYMOUS);
    }

    @Test
    void withoutARequestTheActorIsBoxd() {
        assertThat(Actor.current()).isEqualTo(Actor.BOXD);
    }
}
