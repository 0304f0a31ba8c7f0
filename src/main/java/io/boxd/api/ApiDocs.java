package io.boxd.api;

import io.boxd.limits.LimitValue;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.servers.Server;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The served OpenAPI document, made deterministic so it can be committed as
 * {@code openapi/boxd.yaml}: a relative server instead of the address it happened to be fetched
 * from, a real schema for integer-or-"max" limits, and the problem+json every operation can answer.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    static final String LIMIT_VALUE = "LimitValue";
    static final String PROBLEM = "Problem";

    static {
        // LimitValue serialises through @JsonValue Object, which springdoc can only render as {}.
        SpringDocUtils.getConfig().replaceWithSchema(LimitValue.class, new Schema<>().$ref(ref(LIMIT_VALUE)));
    }

    @Bean
    OpenAPI boxdOpenApi() {
        return new OpenAPI()
                .info(new Info().title("boxd").version("v1")
                        .description("REST control plane that gives every box its own cgroup v2 with enforced limits. "
                                + "Every error is application/problem+json with a stable type urn:boxd:problem:<kind>."))
                // Relative: the document is valid for whichever address serves it.
                .servers(List.of(new Server().url("/").description("the boxd that serves this document")))
                .components(new Components().addSchemas(LIMIT_VALUE, limitValue()));
    }

    /** Every operation can fail with a problem; say so once, with the shape, instead of per status. */
    @Bean
    OpenApiCustomizer problemResponses() {
        return api -> {
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths().values().forEach(item -> item.readOperations().forEach(op -> {
                if (op.getResponses() != null && !op.getResponses().containsKey("default")) {
                    op.getResponses().addApiResponse("default", new ApiResponse()
                            .description("A problem: 400 invalid-request (errors[].field) or malformed-request (a body that is "
                                    + "not JSON; a URL, query or header that cannot be parsed), 404 no such box or process, "
                                    + "409 conflict, 413 body-too-large (over boxd.api.max-body-bytes, 64 KiB by default), "
                                    + "415 not application/json, 422 limit not enforceable (missing[].controller), process "
                                    + "not adoptable, or exec-failed (the target's uid cannot run the program or enter cwd), "
                                    + "503 database-unavailable "
                                    + "(boxd cannot read or write its records, e.g. a full disk; Retry-After; a kill may have reached the "
                                    + "kernel: send it again to record it)")
                            .content(new Content().addMediaType("application/problem+json",
                                    new MediaType().schema(new Schema<>().$ref(ref(PROBLEM))))));
                }
            }));
            if (api.getComponents() == null) {
                api.setComponents(new Components());
            }
            // Added here, with the responses that refer to it: springdoc drops the schemas nothing
            // refers to before it runs customizers, so one added with the bean never got served.
            api.getComponents().addSchemas(PROBLEM, problem());
            // Spring's ProblemDetail leaks in from the error handlers' signatures; Problem replaces it.
            api.getComponents().getSchemas().remove("ProblemDetail");
        };
    }

    private static Schema<?> limitValue() {
        Schema<Object> max = typed("string");
        max.addEnumItemObject(LimitValue.MAX);
        return new Schema<>()
                .description("A limit: a non-negative integer (bytes, microseconds or a count), "
                        + "or the string \"max\" for unlimited, exactly as the kernel writes it")
                .oneOf(List.of(typed("integer").format("int64").minimum(BigDecimal.ZERO), max))
                .example(67108864);
    }

    private static Schema<?> problem() {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("type", typed("string").format("uri")
                .description("Stable per kind of problem: urn:boxd:problem:<kind>, for example "
                        + "urn:boxd:problem:invalid-request (a field breaks a rule), "
                        + "urn:boxd:problem:malformed-request (the request could not be parsed) or "
                        + "urn:boxd:problem:body-too-large"));
        props.put("title", typed("string"));
        props.put("status", typed("integer").format("int32"));
        props.put("detail", typed("string").description("What went wrong, for people"));
        props.put("instance", typed("string").format("uri"));
        props.put("errors", array(object(Map.of(
                "field", typed("string").description("JSON path of the offending field, e.g. limits.cpuWeight; body for the body as a whole"),
                "message", typed("string")))).description("400 only: every rule the request breaks"));
        props.put("missing", array(object(Map.of(
                "limit", typed("string"),
                "controller", typed("string").description("The cgroup controller the limit needs, e.g. memory"),
                "missingAt", typed("string"),
                "fix", typed("string")))).description("422 only: limits that cannot be enforced here"));
        return object(props).description("RFC 9457 problem details");
    }

    private static Schema<Object> typed(String type) {
        Schema<Object> s = new Schema<>();
        s.type(type);
        s.types(Set.of(type));
        return s;
    }

    private static Schema<Object> array(Schema<?> items) {
        Schema<Object> s = typed("array");
        s.setItems(items);
        return s;
    }

    @SuppressWarnings("rawtypes")
    private static Schema<Object> object(Map<String, Schema> props) {
        Schema<Object> s = typed("object");
        s.setProperties(new LinkedHashMap<>(props));
        return s;
    }

    private static String ref(String name) {
        return "#/components/schemas/" + name;
    }
}
