package io.boxd.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Declares the bearer scheme in the OpenAPI document and applies it to every operation, so
 * Swagger UI shows "Authorize" and sends {@code Authorization: Bearer <token>} on "Try it out".
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsSecurity {

    static final String SCHEME = "bearer";

    @Bean
    OpenApiCustomizer bearerSecurity() {
        return api -> {
            if (api.getComponents() == null) {
                api.setComponents(new Components());
            }
            api.getComponents().addSecuritySchemes(SCHEME, new SecurityScheme()
                    .type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .description("A token configured as name:token:role (boxd.security.tokens, BOXD_TOKENS or "
                            + "boxd.security.tokens-file). viewer may GET; operator may do everything. Without a valid "
                            + "token: 401 urn:boxd:problem:unauthorized; with a viewer token on a change: 403 "
                            + "urn:boxd:problem:forbidden."));
            api.setSecurity(new java.util.ArrayList<>(java.util.List.of(new SecurityRequirement().addList(SCHEME))));
        };
    }
}
