package io.boxd.api;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * TRACE is answered as any method a route lacks: 405 with that route's own {@code Allow}, or 404
 * where there is no route. Tomcat refused TRACE itself, with an {@code Allow} that listed every
 * method the servlet implements whatever the path. Spring's servlet, given TRACE, would echo the
 * request back (a bearer token included) after the app had answered; this one never echoes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebMvcProperties.class)
class TraceLikeAnyMethod {

    @Bean
    static TomcatConnectorCustomizer traceReachesTheRoutes() {
        return connector -> connector.setAllowTrace(true);
    }

    /** Spring Boot's own dispatcher servlet, as its auto-configuration would set it up, but for TRACE. */
    @Bean(name = DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME)
    DispatcherServlet dispatcherServlet(WebMvcProperties mvc) {
        DispatcherServlet d = new NoEcho();
        d.setDispatchOptionsRequest(mvc.isDispatchOptionsRequest());
        d.setPublishEvents(mvc.isPublishRequestHandledEvents());
        d.setEnableLoggingRequestDetails(mvc.isLogRequestDetails());
        return d;
    }

    static final class NoEcho extends DispatcherServlet {
        @Override
        protected void doTrace(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
            processRequest(request, response);
        }
    }
}
