package io.boxd.api;

import io.boxd.box.BoxProblems;
import io.boxd.box.BoxProblems.Invalid.Violation;
import io.boxd.box.DatabaseFailures;
import io.boxd.driver.CgroupExistsException;
import io.boxd.driver.DriverException;
import io.boxd.driver.ExecFailedException;
import io.boxd.driver.LimitNotEnforceableException;
import io.boxd.driver.NoSuchProcessException;
import io.boxd.driver.NotAdoptableException;
import io.boxd.driver.PidsLimitException;
import io.boxd.driver.SpawnFailedException;
import java.math.BigInteger;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * The one place errors become {@code application/problem+json}. Every kind of problem has a
 * stable {@code type}; clients switch on it, never on the text. Every 400 carries
 * {@code errors[]} with the offending {@code field} ({@code body} when the whole body is at fault).
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    /** The field name used when the body as a whole is at fault (missing, not JSON, wrong shape). */
    static final String BODY = "body";

    private final long maxBody;

    ProblemHandler(@Value("${boxd.api.max-body-bytes:65536}") long maxBody) {
        this.maxBody = maxBody;
    }

    @ExceptionHandler(BoxProblems.NotFound.class)
    ResponseEntity<ProblemDetail> notFound(BoxProblems.NotFound e) {
        return respond(Problems.of(HttpStatus.NOT_FOUND, "box-not-found", e.getMessage()));
    }

    @ExceptionHandler(NoSuchProcessException.class)
    ResponseEntity<ProblemDetail> noProcess(NoSuchProcessException e) {
        return respond(Problems.of(HttpStatus.NOT_FOUND, "process-not-found", e.getMessage()));
    }

    @ExceptionHandler(NotAdoptableException.class)
    ResponseEntity<ProblemDetail> notAdoptable(NotAdoptableException e) {
        return respond(Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "process-not-adoptable", e.getMessage()));
    }

    @ExceptionHandler(CgroupExistsException.class)
    ResponseEntity<ProblemDetail> cgroupExists(CgroupExistsException e) {
        return respond(Problems.of(HttpStatus.CONFLICT, "cgroup-exists", e.getMessage()));
    }

    @ExceptionHandler(BoxProblems.Conflict.class)
    ResponseEntity<ProblemDetail> conflict(BoxProblems.Conflict e) {
        return respond(Problems.of(HttpStatus.CONFLICT, e.kind(), e.getMessage()));
    }

    @ExceptionHandler(BoxProblems.Invalid.class)
    ResponseEntity<ProblemDetail> invalid(BoxProblems.Invalid e) {
        return respond(Problems.invalid("invalid-request", e.violations()));
    }

    @ExceptionHandler(LimitNotEnforceableException.class)
    ResponseEntity<ProblemDetail> unenforceable(LimitNotEnforceableException e) {
        ProblemDetail pd = Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "limit-not-enforceable", e.getMessage());
        pd.setProperty("missing", e.missing());
        return respond(pd);
    }

    @ExceptionHandler(ExecFailedException.class)
    ResponseEntity<ProblemDetail> execFailed(ExecFailedException e) {
        return respond(Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "exec-failed", e.getMessage()));
    }

    @ExceptionHandler(PidsLimitException.class)
    ResponseEntity<ProblemDetail> pidsLimit(PidsLimitException e) {
        return respond(Problems.of(HttpStatus.CONFLICT, "pids-limit-reached", e.getMessage()));
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

    /**
     * Tomcat's own parameter parsing failed: of a POSTed form, which Spring reads as parameters
     * when a body is asked for (over {@code server.tomcat.max-http-form-post-size}, set to the
     * cap: 413), or of a query string or form it cannot decode (400).
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> badParameters(InvalidParameterException e) {
        if (e.getErrorCode() == HttpStatus.CONTENT_TOO_LARGE.value()) {
            return respond(Problems.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", new BodyLimitFilter.TooLarge(maxBody).getMessage()));
        }
        return respond(Problems.invalid("malformed-request", List.of(new Violation("parameters",
                "could not be parsed: check the percent-encoding of the query string or form"))));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> badParam(MethodArgumentTypeMismatchException e) {
        String type = e.getRequiredType() == null ? "a valid value" : describe(e.getRequiredType());
        return respond(Problems.invalid("invalid-request",
                List.of(new Violation(e.getName(), "must be " + type + ", was '" + e.getValue() + "'"))));
    }

    /**
     * The database could not be reached, read or written (its disk is full, its server is down):
     * a 503 that clears when the database does. Any other database error is a bug: a 500.
     */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ProblemDetail> database(RuntimeException e) {
        if (!DatabaseFailures.unavailable(e)) {
            return unexpected(e);
        }
        String reason = DatabaseFailures.reason(e);
        // One line a request: an outage fails every request, and the log may share the full disk.
        log.warn("database unavailable: {}", reason);
        log.debug("database unavailable", e);
        ProblemDetail pd = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable",
                "boxd could not read or write its records: " + reason + ". Retry once the database is back "
                        + "(GET /actuator/health: components db and diskSpace)");
        return problem(pd).header(HttpHeaders.RETRY_AFTER, "5").body(pd);
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
        if (ex instanceof HttpMessageNotReadableException) {
            return new ResponseEntity<>(unreadable(ex), problemHeaders(headers), HttpStatus.BAD_REQUEST);
        }
        ProblemDetail pd = body instanceof ProblemDetail p ? p : ProblemDetail.forStatus(status);
        pd.setType(URI.create(Problems.PREFIX + Problems.kindFor(status.value())));
        // Spring's own details are empty or name internals ("No static resource..."); say what to do.
        String detail = webDetail(ex, request);
        if (detail != null) {
            pd.setDetail(detail);
        }
        if (ex instanceof MissingServletRequestParameterException m) {
            pd.setProperty("errors", List.of(new Violation(m.getParameterName(), "is required")));
        }
        return new ResponseEntity<>(pd, problemHeaders(headers), status);
    }

    private static String webDetail(Exception ex, WebRequest request) {
        String path = request.getDescription(false).replaceFirst("^uri=", "");
        if (ex instanceof NoResourceFoundException || ex instanceof NoHandlerFoundException) {
            return "there is no such route: " + path;
        }
        if (ex instanceof HttpRequestMethodNotSupportedException m) {
            String allowed = m.getSupportedHttpMethods() == null ? "" : m.getSupportedHttpMethods().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return "method " + m.getMethod() + " is not allowed on " + path + (allowed.isEmpty() ? "" : "; allowed: " + allowed);
        }
        if (ex instanceof HttpMediaTypeNotSupportedException m) {
            return contentTypeDetail(m, request.getHeader(HttpHeaders.CONTENT_TYPE));
        }
        if (ex instanceof HttpMediaTypeNotAcceptableException) {
            return "this resource is only available as " + MediaType.APPLICATION_JSON_VALUE
                    + " (errors as " + MediaType.APPLICATION_PROBLEM_JSON_VALUE + ")";
        }
        if (ex instanceof MissingServletRequestParameterException m) {
            return "the query parameter '" + m.getParameterName() + "' is required";
        }
        return null;
    }

    /**
     * Spring names no media type when the header is absent and when it could not parse it (an
     * unknown charset, a stray character); the header as sent tells the two apart.
     */
    static String contentTypeDetail(HttpMediaTypeNotSupportedException m, String header) {
        // Spring takes a missing header for application/octet-stream where no consumes is declared.
        if (header == null || header.isBlank()) {
            return "a Content-Type is required; send application/json";
        }
        if (m.getContentType() != null) {
            return "Content-Type '" + m.getContentType() + "' is not supported; send application/json";
        }
        String why = m.getMessage() == null ? "" : m.getMessage();
        String prefix = "Invalid mime type \"" + header + "\": ";
        int at = why.indexOf(prefix);
        return "Content-Type '" + firstLine(header) + "' could not be read"
                + (at < 0 ? "" : ": " + firstLine(why.substring(at + prefix.length()))) + "; send application/json";
    }

    /**
     * A body that could not be read. Not JSON at all, or missing, is {@code malformed-request};
     * JSON whose shape is wrong (unknown field, wrong type, bad limit) is {@code invalid-request}
     * with the JSON path of the field that is wrong.
     */
    static ProblemDetail unreadable(Exception ex) {
        // Jackson puts the JSON path on every exception it wraps, syntax errors included.
        JacksonException json = causeOf(ex, JacksonException.class);
        if (json != null) {
            String duplicate = duplicateField(json);
            String field = duplicate == null ? path(json) : join(path(json), duplicate);
            boolean shape = duplicate != null || json instanceof DatabindException || json instanceof InputCoercionException;
            String message = duplicate != null ? "is given more than once"
                    : shape ? bindMessage(json) : "is not valid JSON: " + firstLine(json.getOriginalMessage());
            return Problems.invalid(shape && !field.isEmpty() ? "invalid-request" : "malformed-request",
                    List.of(new Violation(field.isEmpty() ? BODY : field, message)));
        }
        String message = missingBody(ex) ? "is required (a JSON object)" : "could not be read: " + rootMessage(ex);
        return Problems.invalid("malformed-request", List.of(new Violation(BODY, message)));
    }

    private static boolean missingBody(Exception ex) {
        String m = ex.getMessage();
        return m != null && m.startsWith("Required request body is missing");
    }

    private static final String DUPLICATE = "Duplicate Object property \"";

    /**
     * The name of a field given twice in one object, or null. Jackson reports it with a plain
     * read exception whose message is the only place the name is; ApiProblemsTest pins the text.
     */
    static String duplicateField(JacksonException e) {
        String m = e.getOriginalMessage();
        if (m == null || !m.startsWith(DUPLICATE)) {
            return null;
        }
        int end = m.indexOf('"', DUPLICATE.length());
        return end < 0 ? null : m.substring(DUPLICATE.length(), end);
    }

    private static String join(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** The JSON path of the failure, as {@code limits.memoryMaxBytes} or {@code argv[0]}. */
    static String path(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String bindMessage(JacksonException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            Collection<Object> known = u.getKnownPropertyIds();
            return "is not a known field" + (known == null || known.isEmpty() ? ""
                    : "; known fields: " + known.stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            // Our own creators (LimitValue) say what they accept; pass that on.
            return firstLine(e.getCause().getMessage());
        }
        long[] range = e instanceof InputCoercionException c ? range(c.getTargetType()) : null;
        if (range != null) {
            return "is out of range: must be an integer of at least " + range[0] + " and at most " + range[1];
        }
        if (e instanceof MismatchedInputException m && m.getOriginalMessage() != null
                && m.getOriginalMessage().startsWith("Trailing token")) {
            // FAIL_ON_TRAILING_TOKENS: a whole value was read, and another one follows it.
            return "must be one JSON value; " + (m.getCurrentToken() == null ? "more" : token(m.getCurrentToken()))
                    + " follows it";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "must be " + describe(m.getTargetType())
                    + (m.getCurrentToken() == null ? "" : ", was " + token(m.getCurrentToken()));
        }
        return firstLine(e.getOriginalMessage());
    }

    private static long[] range(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
        }
        if (type == Long.class || type == long.class) {
            return new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        }
        return null;
    }

    private static String token(tools.jackson.core.JsonToken t) {
        return switch (t) {
            case START_OBJECT, END_OBJECT -> "an object";
            case START_ARRAY, END_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase();
        };
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == BigInteger.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean (true or false)";
        }
        if (type.isEnum()) {
            return "one of " + List.of(type.getEnumConstants());
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a " + type.getSimpleName();
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
        return problem(pd).body(pd);
    }

    private static ResponseEntity.BodyBuilder problem(ProblemDetail pd) {
        return ResponseEntity.status(pd.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        m = nl > 0 ? m.substring(0, nl) : m;
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return firstLine(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
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
