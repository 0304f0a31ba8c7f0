package io.boxd.api;

import io.boxd.box.BoxProblems.Invalid.Violation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * The stable problem types of boxd's API: {@code urn:boxd:problem:<kind>}. Public, with
 * {@link ProblemWriter}, for the filters outside this package that refuse a request.
 */
public final class Problems {

    static final String PREFIX = "urn:boxd:problem:";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String kind, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(PREFIX + kind));
        return pd;
    }

    /**
     * A request path as a problem's {@code instance}, or null when there is none. What is already a
     * valid URI path is kept as sent; anything else (a stray {@code %}, a space, a quote) is
     * percent-encoded, so a malformed path cannot make the answer to it fail.
     */
    public static URI instance(String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        byte[] in = path.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(in.length);
        for (int i = 0; i < in.length; i++) {
            int b = in[i] & 0xff;
            boolean escape = b == '%' && i + 2 < in.length && hex(in[i + 1]) && hex(in[i + 2]);
            if (escape || b == '/' || b == '-' || b == '.' || b == '_' || b == '~'
                    || (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
            }
        }
        try {
            return URI.create(out.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean hex(byte b) {
        return Character.digit(b, 16) >= 0;
    }

    /** The detail of a 404 for a path that names nothing (not a route's unknown box). */
    static String noSuchResource(String path) {
        return "no such resource: " + path;
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
            case 431 -> "headers-too-large";   // the request line counts too (ProblemReportValve)
            case 501 -> "method-not-implemented";   // CONNECT, or a method Tomcat does not know
            default -> status >= 500 ? "internal-error" : "http-" + status;
        };
    }
}
