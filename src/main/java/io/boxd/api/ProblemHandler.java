package io.boxd.api;

import io.boxd.box.BoxProblems;
import io.boxd.driver.DriverException;
import io.boxd.driver.LimitNotEnforceableException;
import io.boxd.driver.NoSuchProcessException;
import io.boxd.driver.SpawnFailedException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place errors become {@code application/problem+json}. Every kind of problem has a
 * stable {@code type}; clients switch on it, never on the text.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(BoxProblems.NotFound.class)
    ResponseEntity<ProblemDetail> notFound(BoxProblems.NotFound e) {
        return respond(Problems.of(HttpStatus.NOT_FOUND, "box-not-found", e.getMessage()));
    }

    @ExceptionHandler(NoSuchProcessException.class)
    ResponseEntity<ProblemDetail> noProcess(NoSuchProcessException e) {
        return respond(Problems.of(HttpStatus.NOT_FOUND, "process-not-found", e.getMessage()));
    }

    @ExceptionHandler(BoxProblems.Conflict.class)
    ResponseEntity<ProblemDetail> conflict(BoxProblems.Conflict e) {
        return respond(Problems.of(HttpStatus.CONFLICT, e.kind(), e.getMessage()));
    }

    @ExceptionHandler(BoxProblems.Invalid.class)
    ResponseEntity<ProblemDetail> invalid(BoxProblems.Invalid e) {
        ProblemDetail pd = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", e.getMessage());
        pd.setProperty("errors", e.violations());
        return respond(pd);
    }

    @ExceptionHandler(LimitNotEnforceableException.class)
    ResponseEntity<ProblemDetail> unenforceable(LimitNotEnforceableException e) {
        ProblemDetail pd = Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "limit-not-enforceable", e.getMessage());
        pd.setProperty("missing", e.missing());
        return respond(pd);
    }

    @ExceptionHandler(SpawnFailedException.class)
    ResponseEntity<ProblemDetail> spawnFailed(SpawnFailedException e) {
        log.warn("spawn failed: {}", e.getMessage());
        return respond(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "spawn-failed", e.getMessage()));
    }

    @ExceptionHandler(DriverException.class)
    ResponseEntity<ProblemDetail> driver(DriverException e) {
        log.error("driver error", e);
        return respond(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "driver-error", e.getMessage()));
    }

    @ExceptionHandler(BodyLimitFilter.TooLarge.class)
    ResponseEntity<ProblemDetail> tooLarge(BodyLimitFilter.TooLarge e) {
        return respond(Problems.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", e.getMessage()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> badParam(MethodArgumentTypeMismatchException e) {
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request",
                "parameter '" + e.getName() + "' has an invalid value: " + e.getValue()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected error", e);
        return respond(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "internal error: " + e.getClass().getSimpleName()));
    }

    /** Errors from Spring MVC itself (unreadable body, wrong method, media type...). */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        BodyLimitFilter.TooLarge tooLarge = causeOf(ex, BodyLimitFilter.TooLarge.class);
        if (tooLarge != null) {
            return new ResponseEntity<>(Problems.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", tooLarge.getMessage()),
                    problemHeaders(headers), HttpStatus.CONTENT_TOO_LARGE);
        }
        ProblemDetail pd = body instanceof ProblemDetail p ? p : ProblemDetail.forStatus(status);
        pd.setType(URI.create(Problems.PREFIX + Problems.kindFor(status.value())));
        if (ex instanceof HttpMessageNotReadableException) {
            pd.setDetail("the request body is not valid JSON for this operation: " + rootMessage(ex));
        }
        return new ResponseEntity<>(pd, problemHeaders(headers), status);
    }

    private static HttpHeaders problemHeaders(HttpHeaders in) {
        HttpHeaders h = new HttpHeaders();
        if (in != null) {
            h.putAll(in);
        }
        h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return h;
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail pd) {
        return ResponseEntity.status(pd.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        int nl = m.indexOf('\n');
        m = nl > 0 ? m.substring(0, nl) : m;
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
