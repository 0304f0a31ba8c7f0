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

    static final JsonMapper JSON = JsonMapper.builder().build();

    record Outcome(MockHttpServletResponse res, boolean passed, Object actor) {
        JsonNode json() throws Exception {
            return JSON.readTree(res.getContentAsByteArray());
        }

        /**
         * A refusal whose body is exactly {@code expected} (member order aside), sent as bare
         * problem+json (no charset) with its byte length and {@code no-store}.
         */
        void isRefusal(int status, String expected) throws Exception {
            assertThat(passed).isFalse();
            assertThat(res.getStatus()).isEqualTo(status);
            assertThat(res.getHeader("Content-Type")).isEqualTo("application/problem+json");
            assertThat(res.getHeader("Cache-Control")).isEqualTo("no-store");
            assertThat(res.getContentLength()).isEqualTo(res.getContentAsByteArray().length);
            assertThat(json()).isEqualTo(JSON.readTree(expected));
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
        o.isRefusal(401, """
                {"type": "urn:boxd:problem:unauthorized", "title": "Unauthorized", "status": 401,
                 "detail": "this request needs a token: send the header 'Authorization: Bearer <token>'",
                 "instance": "/v1/boxes"}""");
        assertThat(o.res().getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"boxd\"");
    }

    @Test
    void aHeadIsRefusedWithTheHeadersOfAGetAndNoBody() throws Exception {
        MockHttpServletResponse get = send("GET", "/v1/boxes").res();
        MockHttpServletResponse head = send("HEAD", "/v1/boxes").res();
        assertThat(head.getStatus()).isEqualTo(401);
        assertThat(head.getContentAsByteArray()).isEmpty();
        assertThat(head.getContentLength()).isEqualTo(get.getContentAsByteArray().length).isPositive();
        for (String h : List.of("Content-Type", "WWW-Authenticate", "Cache-Control")) {
            assertThat(head.getHeader(h)).as(h).isNotNull().isEqualTo(get.getHeader(h));
        }
    }

    /** The instance is the path as the audit line prints it: only URL-safe characters, at most 200. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/boxes/a<b>c d!e^f | /v1/boxes/abcdef",
            "/v1/boxes/%41b        | /v1/boxes/%41b"})
    void theInstanceIsThePrintablePath(String uri, String instance) throws Exception {
        assertThat(send("GET", uri).json().path("instance").asString()).isEqualTo(instance);
    }

    @Test
    void aLongPathIsCutTo200CharactersInTheInstance() throws Exception {
        String uri = "/v1/boxes/" + "x".repeat(300);
        assertThat(send("GET", uri).json().path("instance").asString()).isEqualTo(uri.substring(0, 200));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "Bearer wrong-0123456789abcdef | invalid_token   | the bearer token is not one boxd knows",
            "Bearer                        | invalid_request | the Authorization header must be exactly one 'Bearer <token>'",
            "Basic YWRtaW46cGFzcw==        | invalid_request | the Authorization header must be exactly one 'Bearer <token>'",
            "Bearer a b                    | invalid_request | the Authorization header must be exactly one 'Bearer <token>'",
            "Token " + OP + "              | invalid_request | the Authorization header must be exactly one 'Bearer <token>'"})
    void badCredentialsAre401(String header, String error, String detail) throws Exception {
        Outcome o = send("GET", "/v1/boxes", header);
        o.isRefusal(401, """
                {"type": "urn:boxd:problem:unauthorized", "title": "Unauthorized", "status": 401,
                 "detail": "%s", "instance": "/v1/boxes"}""".formatted(detail));
        assertThat(o.res().getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"boxd\", error=\"" + error + "\"");
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
        o.isRefusal(403, """
                {"type": "urn:boxd:problem:forbidden", "title": "Forbidden", "status": 403,
                 "detail": "the token 'watcher' has the role viewer, which may only read (GET, HEAD); %s needs the role operator",
                 "instance": "/v1/boxes/x"}""".formatted(method));
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
