package io.boxd.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Who the box history names as the actor of an event. {@link BearerTokenFilter} stores the
 * token's name on each mutating request; a thread serving no request (reconcile, exit and OOM
 * detection) and a read request (GET stats noticing an OOM) act as {@link #BOXD}.
 */
public final class Actor {

    /** boxd itself: background work, and whatever a read request happens to notice. */
    public static final String BOXD = "boxd";
    /** The actor of every mutating request in {@code insecure-loopback-only} mode. */
    public static final String ANONYMOUS = "anonymous";

    static final String ATTRIBUTE = Actor.class.getName();

    private Actor() {
    }

    /** The actor for an event recorded now, on this thread. */
    public static String current() {
        RequestAttributes attrs = RequestContextHolder.getRequestAttributes();
        Object name = attrs == null ? null : attrs.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        return name instanceof String s ? s : BOXD;
    }

    static void set(HttpServletRequest req, String name) {
        req.setAttribute(ATTRIBUTE, name);
    }
}
