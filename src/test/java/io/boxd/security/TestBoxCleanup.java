package io.boxd.security;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Closes a test class's static {@link TestBox} after Spring has closed the class's context (declare it first). */
final class TestBoxCleanup implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (Field f : context.getRequiredTestClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == TestBox.class) {
                f.setAccessible(true);
                ((TestBox) f.get(null)).close();
            }
        }
    }
}
