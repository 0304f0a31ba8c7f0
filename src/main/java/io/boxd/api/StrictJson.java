package io.boxd.api;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies are typed: {@code "id": 123} or {@code "labels": {"k": 1}} is a 400 naming the
 * field, not the string "123". Jackson turns numbers and booleans into strings by default, and
 * {@code spring.jackson.mapper.allow-coercion-of-scalars=false} does not cover that direction.
 * A field given twice is a 400 too: Jackson keeps the last one by default, so a proxy that checks
 * the first {@code "id"} and boxd would act on different boxes.
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

    @Bean
    JsonMapperBuilderCustomizer scalarsAreNotStrings() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).withCoercionConfig(LogicalType.Textual, c -> c
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }
}
