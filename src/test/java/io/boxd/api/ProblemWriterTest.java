package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Http;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/** Problems written outside MVC have the shape MVC gives them, and a body the valve's writer can carry. */
class ProblemWriterTest {

    @Test
    void propertiesStandAtTheTopAndNullsAreLeftOut() throws Exception {
        ProblemDetail pd = Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "limit-not-enforceable", "no memory controller");
        pd.setProperty("missing", List.of("memory"));
        MockHttpServletResponse res = new MockHttpServletResponse();
        ProblemWriter.write(res, pd);
        assertThat(res.getStatus()).isEqualTo(422);
        assertThat(res.getContentType()).isEqualTo("application/problem+json");
        JsonNode json = Http.JSON.readTree(res.getContentAsByteArray());
        assertThat(json.path("missing").get(0).asString()).isEqualTo("memory");
        assertThat(json.has("properties")).as("%s", json).isFalse();
        assertThat(json.has("instance")).as("%s", json).isFalse();
    }

    @Test
    void bodyIsAsciiSoItsLengthIsTheSameInCharsAndBytes() throws Exception {
        ProblemDetail pd = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "id 'ä' is not allowed");
        MockHttpServletResponse res = new MockHttpServletResponse();
        byte[] body = ProblemWriter.prepare(res, pd);
        assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo(new String(body, StandardCharsets.UTF_8));
        assertThat(res.getContentLength()).isEqualTo(body.length);
        assertThat(Http.JSON.readTree(body).path("detail").asString()).isEqualTo("id 'ä' is not allowed");
    }

    @Test
    void theValveTellsTheStatusOnly() throws Exception {
        MockHttpServletResponse res = new MockHttpServletResponse();
        ProblemWriter.write(res, ProblemReportValve.problem(400));
        assertThat(res.getStatus()).isEqualTo(400);
        JsonNode json = Http.JSON.readTree(res.getContentAsByteArray());
        assertThat(json.path("type").asString()).isEqualTo("urn:boxd:problem:malformed-request");
        assertThat(json.path("title").asString()).isEqualTo("Bad Request");
        assertThat(json.path("status").asInt()).isEqualTo(400);
        assertThat(json.path("detail").asString()).contains("malformed");
        assertThat(json.propertyNames()).containsExactlyInAnyOrder("type", "title", "status", "detail");
    }

    @Test
    void aStatusSpringDoesNotNameStillGetsATitle() throws Exception {
        MockHttpServletResponse res = new MockHttpServletResponse();
        ProblemWriter.write(res, ProblemReportValve.problem(499));
        JsonNode json = Http.JSON.readTree(res.getContentAsByteArray());
        assertThat(json.path("title").asString()).isEqualTo("HTTP 499");
        assertThat(json.path("type").asString()).isEqualTo("urn:boxd:problem:http-499");
    }
}
