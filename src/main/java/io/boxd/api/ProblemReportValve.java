package io.boxd.api;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Host;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.res.StringManager;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * The Host's error report valve: answers what Tomcat refuses before any web app runs (a malformed
 * URL such as {@code %zz}, {@code %00} or {@code /../x}, a bad request line or header) as
 * problem+json instead of Tomcat's HTML page. It says the status only: no request echo, no trace.
 */
final class ProblemReportValve extends ErrorReportValve {

    /**
     * What Tomcat's HTTP/1.1 parser throws when the request line and headers overflow its buffer,
     * in the same locale's words (its messages are translated), so a long URL or header is told
     * apart from a malformed one.
     */
    private static final String HEADER_TOO_LARGE =
            StringManager.getManager("org.apache.coyote.http11").getString("iib.requestheadertoolarge.error");

    /**
     * Makes this valve the Host's only error report valve. Done just before the Host starts, after
     * every context customizer ran (Spring Boot's adds a plain, HTML {@link ErrorReportValve}).
     */
    static void install(Host host) {
        host.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                Pipeline pipeline = host.getPipeline();
                for (Valve v : pipeline.getValves()) {
                    if (v instanceof ErrorReportValve) {
                        pipeline.removeValve(v);
                    }
                }
                pipeline.addValve(new ProblemReportValve());
                // StandardHost adds a valve of this class at start unless one is there already.
                if (host instanceof StandardHost standard) {
                    standard.setErrorReportValveClass(ProblemReportValve.class.getName());
                }
            }
        });
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As Tomcat's own valve: only an error nobody answered, once, and while the client can still read.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean io = new AtomicBoolean();
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, io);
        if (!io.get()) {
            return;
        }
        try {
            byte[] body = ProblemWriter.prepare(response, status == 400 && isHeaderOverflow(throwable) ? headerTooLarge() : problem(status));
            // The reporter writes even when the app already took the stream or the writer; the body is ASCII.
            Writer w = response.getReporter();
            if (w != null) {
                w.write(new String(body, StandardCharsets.US_ASCII));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException gone) {
            // the client left, or the response was committed meanwhile: nothing left to tell it
        }
    }

    private static boolean isHeaderOverflow(Throwable t) {
        return t instanceof IllegalArgumentException && HEADER_TOO_LARGE.equals(t.getMessage());
    }

    /**
     * 431 for both: Tomcat counts the request line into the header limit and does not say which
     * part overflowed, so a URL that long gets it too.
     */
    private static ProblemDetail headerTooLarge() {
        ProblemDetail pd = Problems.of(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, Problems.kindFor(431),
                "the request line and headers together are over the server's limit (server.max-http-request-header-size, "
                        + "8KB unless set): a URL or a header that long is refused");
        pd.setTitle(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.getReasonPhrase());
        return pd;
    }

    /** The status only, and no instance: nothing of a request Tomcat could not parse is echoed. */
    static ProblemDetail problem(int status) {
        HttpStatus hs = HttpStatus.resolve(status);
        String title = hs == null ? "HTTP " + status : hs.getReasonPhrase();
        String detail = switch (status) {
            case 400 -> "the request is malformed: its URL (a bad percent-encoding, a NUL byte, a dot segment above the root), "
                    + "request line or headers could not be parsed";
            case 500 -> "internal error";
            default -> "the server answered " + status + " " + title;
        };
        ProblemDetail pd = Problems.of(HttpStatusCode.valueOf(status), Problems.kindFor(status), detail);
        pd.setTitle(title);
        return pd;
    }
}
