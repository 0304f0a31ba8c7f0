package io.boxd.api;

import io.boxd.box.BoxProblems.Invalid.Violation;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
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

    /** A 400 whose {@code errors[]} name each offending field; the detail lists them all. */
    static ProblemDetail invalid(String kind, List<Violation> violations) {
        String detail = violations.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; "));
        ProblemDetail pd = of(HttpStatus.BAD_REQUEST, kind, detail.isEmpty() ? "invalid request" : detail);
        pd.setProperty("errors", List.copyOf(violations));
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
