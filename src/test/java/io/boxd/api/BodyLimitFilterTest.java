package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.boxd.testkit.Http;
import jakarta.servlet.FilterChain;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/** The cap holds for readers outside MVC too: passing it is a 413 problem wherever it happens. */
class BodyLimitFilterTest {

    static final int CAP = 65536;

    /** A chunked request: no declared length, so only reading finds the size. */
    private static MockHttpServletRequest chunked(int size) {
        MockHttpServletRequest req = new MockHttpServletRequest("PATCH", "/v1/boxes/x") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        };
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'a');
        req.setContent(body);
        req.setContentType("application/x-www-form-urlencoded");
        return req;
    }

    private static final FilterChain READS_THE_BODY = (rq, rs) -> rq.getInputStream().readAllBytes();

    @Test
    void filterReadingPastTheCapGets413Not500() throws Exception {
        MockHttpServletResponse res = new MockHttpServletResponse();
        // As Spring's FormContentFilter did: a filter, not MVC, reads the whole body.
        new BodyLimitFilter(CAP).doFilter(chunked(CAP + 1), res, READS_THE_BODY);
        assertThat(res.getStatus()).isEqualTo(413);
        assertThat(res.getContentType()).isEqualTo("application/problem+json");
        JsonNode json = Http.JSON.readTree(res.getContentAsString());
        assertThat(json.path("type").asString()).isEqualTo("urn:boxd:problem:body-too-large");
        assertThat(json.path("status").asInt()).isEqualTo(413);
    }

    @Test
    void declaredLengthOverTheCapIsRefusedBeforeTheChainRuns() throws Exception {
        MockHttpServletRequest req = new MockHttpServletRequest("POST", "/v1/boxes/a b");
        req.setContent(new byte[CAP + 1]);
        MockHttpServletResponse res = new MockHttpServletResponse();
        new BodyLimitFilter(CAP).doFilter(req, res, (rq, rs) -> fail("the chain ran"));
        assertThat(res.getStatus()).isEqualTo(413);
        assertThat(res.getContentType()).isEqualTo("application/problem+json");
        assertThat(res.getContentLength()).isEqualTo(res.getContentAsByteArray().length);
        JsonNode json = Http.JSON.readTree(res.getContentAsByteArray());
        assertThat(json.path("type").asString()).isEqualTo("urn:boxd:problem:body-too-large");
        assertThat(json.path("title").asString()).isEqualTo("Content Too Large");
        assertThat(json.path("status").asInt()).isEqualTo(413);
        assertThat(json.path("detail").asString()).isEqualTo("the request body is larger than " + CAP + " bytes");
        assertThat(json.path("instance").asString()).as("encoded as MVC's problems are").isEqualTo("/v1/boxes/a%20b");
    }

    @Test
    void filterReadingUpToTheCapPasses() throws Exception {
        MockHttpServletResponse res = new MockHttpServletResponse();
        new BodyLimitFilter(CAP).doFilter(chunked(CAP), res, READS_THE_BODY);
        assertThat(res.getStatus()).isEqualTo(200);
    }

    @Test
    void otherFailuresOfTheChainAreNotTurnedInto413() {
        FilterChain broken = (rq, rs) -> {
            throw new IllegalStateException("not about size");
        };
        assertThatThrownBy(() -> new BodyLimitFilter(CAP).doFilter(chunked(10), new MockHttpServletResponse(), broken))
                .isInstanceOf(IllegalStateException.class);
    }
}
