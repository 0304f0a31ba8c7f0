package io.boxd.security;

import io.boxd.api.ProblemWriter;
import io.boxd.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request but the public ones needs {@code Authorization: Bearer <token>}: none or an
 * unknown token is a 401, a viewer token on anything but GET/HEAD a 403, both problem+json. The
 * caller's name becomes the actor of what a mutating request records, and each mutating request
 * (and each refusal) is one line on the {@code boxd.audit} logger.
 *
 * <p>Public, for GET and HEAD only: {@code /actuator/health/liveness}, {@code /actuator/health/readiness}
 * and, unless {@code boxd.security.public-docs=false}, Swagger UI and {@code /v3/api-docs}. A path
 * is public only when the raw request URI is exactly that path (or under {@code /swagger-ui/})
 * with no encoding, dot segment, doubled slash or path parameter, so no spelling of a protected
 * path can pass as a public one.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private static final Logger audit = LoggerFactory.getLogger("boxd.audit");

    static final Set<String> PROBES = Set.of("/actuator/health/liveness", "/actuator/health/readiness");
    static final Set<String> DOCS = Set.of("/swagger-ui.html", "/v3/api-docs", "/v3/api-docs.yaml",
            "/v3/api-docs/swagger-config");
    static final String DOCS_PREFIX = "/swagger-ui/";

    /** Null in {@code insecure-loopback-only} mode: nothing is checked, the actor is {@link Actor#ANONYMOUS}. */
    private final Tokens tokens;
    private final boolean publicDocs;

    BearerTokenFilter(Tokens tokens, boolean publicDocs) {
        this.tokens = tokens;
        this.publicDocs = publicDocs;
    }

    static BearerTokenFilter insecure() {
        return new BearerTokenFilter(null, true);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        String method = req.getMethod();
        if (tokens == null) {
            if (!Role.isRead(method)) {
                Actor.set(req, Actor.ANONYMOUS);
            }
            chain.doFilter(req, res);
            return;
        }
        if (Role.isRead(method) && isPublic(pathOf(req))) {
            chain.doFilter(req, res);
            return;
        }
        List<String> headers = Collections.list(req.getHeaders(HttpHeaders.AUTHORIZATION));
        if (headers.isEmpty()) {
            refuse(req, res, 401, "unauthorized", "Bearer realm=\"boxd\"", null,
                    "this request needs a token: send the header 'Authorization: Bearer <token>'");
            return;
        }
        String presented = headers.size() == 1 ? bearer(headers.get(0)) : null;
        if (presented == null) {
            refuse(req, res, 401, "unauthorized", "Bearer realm=\"boxd\", error=\"invalid_request\"", null,
                    "the Authorization header must be exactly one 'Bearer <token>'");
            return;
        }
        Optional<Tokens.Caller> caller = tokens.match(presented);
        if (caller.isEmpty()) {
            refuse(req, res, 401, "unauthorized", "Bearer realm=\"boxd\", error=\"invalid_token\"", null,
                    "the bearer token is not one boxd knows");
            return;
        }
        Tokens.Caller who = caller.get();
        if (!who.role().allows(method)) {
            refuse(req, res, 403, "forbidden", null, who.name(),
                    "the token '" + who.name() + "' has the role " + who.role() + ", which may only read (GET, HEAD); "
                            + method + " needs the role operator");
            return;
        }
        if (Role.isRead(method)) {
            chain.doFilter(req, res);
            return;
        }
        Actor.set(req, who.name());
        boolean answered = false;
        try {
            chain.doFilter(req, res);
            answered = true;
        } finally {
            // An exception that leaves the chain becomes a 500 (or another error) later, through
            // /error; the response still says 200 here, and the audit line must not.
            audit.info("{} {} {} by {}", answered ? Integer.toString(res.getStatus()) : "failed", method, printablePath(req), who.name());
        }
    }

    boolean isPublic(String path) {
        if (path == null) {
            return false;
        }
        if (PROBES.contains(path)) {
            return true;
        }
        return publicDocs && (DOCS.contains(path) || (path.startsWith(DOCS_PREFIX) && path.length() > DOCS_PREFIX.length()));
    }

    /**
     * The path exactly as sent, or null when it is spelled in any way that normalisation could
     * change (percent-encoding, {@code .} or {@code ..} segments, {@code //}, {@code ;} parameters,
     * a backslash). Such a request is simply not public; with a token it is served as usual.
     */
    static String pathOf(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String ctx = req.getContextPath();
        if (uri == null || (ctx != null && !ctx.isEmpty() && !uri.startsWith(ctx))) {
            return null;
        }
        String path = ctx == null ? uri : uri.substring(ctx.length());
        if (!path.startsWith("/") || path.contains("%") || path.contains(";") || path.contains("//")
                || path.contains("\\") || path.contains("/./") || path.contains("/../")
                || path.endsWith("/.") || path.endsWith("/..")) {
            return null;
        }
        return path;
    }

    /** The token of {@code Bearer <token>} (scheme case-insensitive), or null. */
    static String bearer(String header) {
        String h = header.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = h.substring(7).strip();
        return token.isEmpty() || token.contains(" ") ? null : token;
    }

    private void refuse(HttpServletRequest req, HttpServletResponse res, int status, String kind, String challenge,
                        String name, String detail) throws IOException {
        audit.info("{} {} {} refused: {}{}", status, req.getMethod(), printablePath(req), kind,
                name == null ? "" : " (token '" + name + "')");
        ProblemDetail pd = Problems.of(HttpStatusCode.valueOf(status), kind, detail);
        // The audit line's path, so the two name the request alike.
        pd.setInstance(Problems.instance(printablePath(req)));
        res.resetBuffer();
        byte[] body = ProblemWriter.prepare(res, pd);
        if (challenge != null) {
            res.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        res.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (!"HEAD".equals(req.getMethod())) {
            res.getOutputStream().write(body);
        }
        res.flushBuffer();
    }

    private static String printablePath(HttpServletRequest req) {
        String uri = req.getRequestURI() == null ? "" : req.getRequestURI();
        String p = uri.replaceAll("[^A-Za-z0-9/_.%-]", "");
        return p.length() > 200 ? p.substring(0, 200) : p;
    }
}
