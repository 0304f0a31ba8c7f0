package io.boxd.api;

import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** The stable problem types of boxd's API: {@code urn:boxd:problem:<kind>}. */
final class Problems {

    static final String PREFIX = "urn:boxd:problem:";

    private Problems() {
    }

    static ProblemDetail of(HttpStatusCode status, String kind, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(PREFIX + kind));
        return pd;
    }

    /** The kind for errors raised by the web layer itself, by status. */
    static String kindFor(int status) {
        return switch (status) {
            case 400 -> "malformed-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "body-too-large";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "internal-error" : "http-" + status;
        };
    }
}
