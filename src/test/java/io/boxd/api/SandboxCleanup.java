package io.boxd.api;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's {@link Sandbox#close()} after Spring has closed the class's context (declare
 * it before {@code @SpringBootTest}, with {@code @DirtiesContext}, so its afterAll runs last).
 */
final class SandboxCleanup implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Sandbox.of(context.getRequiredTestClass()).close();
    }
}
