package io.boxd.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies ({@code boxd.api.max-body-bytes}, default 64 KiB): a declared length over
 * the cap is refused before reading, and a chunked body is cut off when it passes the cap.
 * Only {@code getInputStream()} is capped: multipart and form parsing, which Tomcat does from its
 * own stream, are switched off in application.yml ({@code spring.servlet.multipart},
 * {@code spring.mvc.formcontent}) because boxd reads JSON only.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class BodyLimitFilter extends OncePerRequestFilter {

    /** The body passed the cap. */
    static class TooLarge extends IOException {
        TooLarge(long max) {
            super(detail(max));
        }

        static String detail(long max) {
            return "the request body is larger than " + max + " bytes";
        }
    }

    private final long max;

    BodyLimitFilter(@Value("${boxd.api.max-body-bytes:65536}") long max) {
        this.max = max;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        if (req.getContentLengthLong() > max) {
            // Refused before reading a byte, so MVC never sees this request.
            refuse(req, res);
            return;
        }
        try {
            chain.doFilter(new Capped(req, max), res);
        } catch (IOException | ServletException | RuntimeException e) {
            // A reader outside MVC (a filter) passed the cap: still a 413, not the container's 500.
            if (ProblemHandler.causeOf(e, TooLarge.class) == null || res.isCommitted()) {
                throw e;
            }
            res.reset();
            refuse(req, res);
        }
    }

    private void refuse(HttpServletRequest req, HttpServletResponse res) throws IOException {
        ProblemDetail pd = Problems.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", TooLarge.detail(max));
        pd.setInstance(Problems.instance(req.getRequestURI()));
        ProblemWriter.write(res, pd);
    }

    private static final class Capped extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        Capped(HttpServletRequest req, long max) {
            super(req);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    long seen;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0 && ++seen > max) {
                            throw new TooLarge(max);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        if (n > 0 && (seen += n) > max) {
                            throw new TooLarge(max);
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener l) {
                        in.setReadListener(l);
                    }
                };
            }
            return stream;
        }
    }
}
