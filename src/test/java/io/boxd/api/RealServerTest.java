package io.boxd.api;

import io.boxd.testkit.Http;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactories;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * An api test against the real server on a random port, in its own {@link Sandbox}: a subclass
 * declares one as a static field ({@code static final Sandbox sandbox = Sandbox.create("name");})
 * and its server is pointed at it. A subclass without one fails to start rather than run on the
 * default cgroup base.
 *
 * <p>The sandbox is closed after Spring closed the server: {@link SandboxCleanup} comes before
 * {@code @SpringBootTest}, so its afterAll runs last, and {@code @DirtiesContext} closes the
 * context at the end of the class.
 */
@ExtendWith(SandboxCleanup.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ContextCustomizerFactories(RealServerTest.SandboxSettings.class)
abstract class RealServerTest {

    @LocalServerPort
    int port;
    Http http;

    @BeforeEach
    void client() {
        http = Sandbox.of(getClass()).client(port);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The sandbox's settings, first among the property sources as a {@code @DynamicPropertySource}
     * would put them; a static method here could not tell which subclass it serves, this can.
     */
    static final class SandboxSettings implements ContextCustomizerFactory {
        @Override
        public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> attributes) {
            return new Settings(Sandbox.of(testClass));
        }

        /** A record, so that Spring's context cache tells two sandboxes apart. */
        private record Settings(Sandbox sandbox) implements ContextCustomizer {
            @Override
            public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
                context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("sandbox", new HashMap<>(sandbox.settings())));
            }
        }
    }
}
