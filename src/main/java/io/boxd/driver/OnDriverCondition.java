package io.boxd.driver;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@link DriverChoice} resolves {@code boxd.driver} to the annotated driver. */
class OnDriverCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attrs = metadata.getAnnotationAttributes(ConditionalOnDriver.class.getName());
        String wanted = attrs == null ? null : (String) attrs.get("value");
        String configured = context.getEnvironment().getProperty("boxd.driver", "auto");
        return DriverChoice.resolve(configured, Path.of("/proc/1/comm")).driver().equals(wanted);
    }
}
