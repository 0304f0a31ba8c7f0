package io.boxd.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.Host;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised by the servlet container outside Spring MVC as problem+json too: those that reach
 * the web app (an exception a filter throws, a {@code sendError}) through this {@code /error}
 * page; those Tomcat refuses before any web app sees them (a malformed URL, a bad request line or
 * header) through {@link ProblemReportValve}, which replaces Tomcat's HTML error page.
 */
@RestController
@Hidden
class ProblemErrorController implements ErrorController {

    /**
     * Tomcat rejects {@code %2F} and {@code %5C} in a path with its own HTML 400 page, before any
     * error page or MVC runs. Pass them through instead: MVC decodes them inside the path segment,
     * so {@code /v1/boxes/a%2Fb} reaches the id rules as {@code a/b} and gets a problem+json 400.
     */
    @Bean
    static TomcatConnectorCustomizer encodedSlashesReachTheIdRules() {
        return connector -> {
            connector.setEncodedSolidusHandling("passthrough");
            connector.setEncodedReverseSolidusHandling("passthrough");
        };
    }

    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> containerErrorsAreProblems() {
        return factory -> factory.addContextCustomizers(context -> ProblemReportValve.install((Host) context.getParent()));
    }

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest req) {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // No status: not an error dispatch but a client asking for /error itself, which is no resource.
        int status = code instanceof Integer i ? i : 404;
        HttpStatus hs = HttpStatus.resolve(status);
        if (hs == null) {
            hs = status >= 500 ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.BAD_REQUEST;
        }
        String detail = code == null ? Problems.noSuchResource(req.getRequestURI()) : hs.getReasonPhrase();
        Object msg = req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        if (msg instanceof String s && !s.isBlank()) {
            detail = s;
        }
        ProblemDetail pd = Problems.of(hs, Problems.kindFor(hs.value()), detail);
        Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String u) {
            pd.setInstance(Problems.instance(u));
        }
        return ResponseEntity.status(hs).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }
}
