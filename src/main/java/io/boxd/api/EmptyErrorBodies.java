package io.boxd.api;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * An error that actuator answers with no body becomes a problem too: an unknown health component
 * or group ({@code /actuator/health/nosuch}) is a bare 404, a handled response, so neither
 * {@link ProblemHandler} nor the error page sees it.
 */
@ControllerAdvice
class EmptyErrorBodies implements ResponseBodyAdvice<Object> {

    /** Actuator's handlers only: boxd's own controllers answer errors with problems themselves. */
    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return returnType.getContainingClass().getName().startsWith("org.springframework.boot.");
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType selected,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request, ServerHttpResponse response) {
        if (body != null || !(response instanceof ServletServerHttpResponse res)) {
            return body;
        }
        int status = res.getServletResponse().getStatus();
        HttpStatus hs = HttpStatus.resolve(status);
        if (hs == null || !hs.isError()) {
            return body;
        }
        String path = request instanceof ServletServerHttpRequest r ? r.getServletRequest().getRequestURI() : null;
        ProblemDetail pd = Problems.of(hs, Problems.kindFor(status),
                status == 404 && path != null ? Problems.noSuchResource(path) : hs.getReasonPhrase());
        pd.setInstance(Problems.instance(path));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return pd;
    }
}
