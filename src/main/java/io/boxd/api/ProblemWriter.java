package io.boxd.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem where Spring MVC's message converters never run: a servlet filter that refuses
 * a request ({@link BodyLimitFilter}, and {@code io.boxd.security}'s bearer token filter), and
 * Tomcat's error report valve ({@link ProblemReportValve}). The JSON has the shape MVC gives a
 * {@link ProblemDetail} (its properties at the top level, no nulls).
 *
 * <p>Public for those filters only, so every problem boxd writes has one shape; anything MVC
 * handles answers through {@link ProblemHandler}.
 */
public final class ProblemWriter {

    /** Non-ASCII escaped: the body is ASCII, so any writer's charset and a char count as length are right. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private ProblemWriter() {
    }

    /**
     * Sets the status, {@code Content-Type} and {@code Content-Length} for {@code pd} and returns
     * the body, for a caller that must write it its own way.
     */
    public static byte[] prepare(HttpServletResponse res, ProblemDetail pd) {
        byte[] body = JSON.writeValueAsBytes(pd);
        res.setStatus(pd.getStatus());
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        res.setContentLength(body.length);
        return body;
    }

    /** Answers with {@code pd}; bytes, not a Writer, so the container does not append a charset. */
    static void write(HttpServletResponse res, ProblemDetail pd) throws IOException {
        res.getOutputStream().write(prepare(res, pd));
    }
}
