package io.boxd.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a path with a parameter ({@code ;name=value} in a segment). The servlet container
 * drops those before any mapping, so {@code DELETE /v1/boxes/a1;x=y} would delete box
 * {@code a1}: an id that is not the one sent, never checked against the id rule.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class PathParameterFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        if (req.getRequestURI().indexOf(';') < 0) {
            chain.doFilter(req, res);
            return;
        }
        // The path is the problem's instance; the detail does not repeat it.
        ProblemDetail pd = Problems.of(HttpStatus.BAD_REQUEST, "malformed-request",
                "path parameters (';' in a path segment) are not accepted");
        pd.setInstance(Problems.instance(req.getRequestURI()));
        ProblemWriter.write(res, pd);
    }
}
