package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/** The /error page answers with the container's status whatever the failed request's path was. */
class ProblemErrorControllerTest {

    private static ResponseEntity<ProblemDetail> errorFor(int status, String uri) {
        MockHttpServletRequest req = new MockHttpServletRequest("GET", "/error");
        req.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
        req.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, uri);
        return new ProblemErrorController().error(req);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/v1/boxes/%zz      | /v1/boxes/%25zz",
            "/v1/boxes/a%       | /v1/boxes/a%25",
            "/v1/boxes/a%0      | /v1/boxes/a%250",
            "/v1/boxes/a b\"<x> | /v1/boxes/a%20b%22%3Cx%3E",
            "/v1/boxes/ä        | /v1/boxes/%C3%A4",
            "/v1/boxes/a%2Fb    | /v1/boxes/a%2Fb",
            "/v1/boxes/a%00     | /v1/boxes/a%00",
    })
    void malformedPathKeepsTheStatusAndGetsAnEncodedInstance(String uri, String instance) {
        ResponseEntity<ProblemDetail> r = errorFor(400, uri);
        assertThat(r.getStatusCode().value()).isEqualTo(400);
        assertThat(r.getBody().getType().toString()).isEqualTo("urn:boxd:problem:malformed-request");
        assertThat(r.getBody().getInstance()).hasToString(instance);
    }

    @Test
    void pathThatLooksLikeAnAuthorityIsStillAnswered() {
        ResponseEntity<ProblemDetail> r = errorFor(404, "//[x:y");
        assertThat(r.getStatusCode().value()).isEqualTo(404);
        assertThat(r.getBody().getType().toString()).isEqualTo("urn:boxd:problem:not-found");
        assertThat(r.getBody().getInstance()).hasToString("//%5Bx%3Ay");
    }
}
