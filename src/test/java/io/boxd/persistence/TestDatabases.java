package io.boxd.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Test-only: chooses the database of a {@code @SpringBootTest} context from {@code boxd.test.db}
 * (a system property for a whole run, or an inline test property for one class), before the
 * config files are read.
 * <ul>
 * <li>unset: nothing changes (the test's own settings, H2 by default);</li>
 * <li>{@code h2}: the default H2 file database, in a fresh data dir under {@code target/};</li>
 * <li>{@code postgres}: the {@code postgres} profile, against {@code BOXD_TEST_PG_URL} (user and
 * password from {@code BOXD_TEST_PG_USER} / {@code BOXD_TEST_PG_PASSWORD}, default
 * {@code boxd} / {@code boxd}, as {@code .ci/postgres} makes them), in a fresh schema per context
 * that is dropped when the context closes, so contexts never see each other's rows;</li>
 * <li>{@code testcontainers}: the {@code postgres} profile only; the test supplies the
 * datasource from its container.</li>
 * </ul>
 * Without a URL, {@code postgres} fails the context with a message that says how to get one
 * ({@link PostgresGate} turns that into a skip outside CI).
 */
public final class TestDatabases implements EnvironmentPostProcessor, Ordered {

    public static final String DB = "boxd.test.db";
    public static final String PG_URL = "BOXD_TEST_PG_URL";
    public static final String PG_USER = "BOXD_TEST_PG_USER";
    public static final String PG_PASSWORD = "BOXD_TEST_PG_PASSWORD";
    /** The schema this context got on PostgreSQL (set by this post-processor, for tests to read). */
    public static final String SCHEMA = "boxd.test.schema";

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public int getOrder() {
        // Before the config files: the profile must be known when they are read.
        return ConfigDataEnvironmentPostProcessor.ORDER - 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication app) {
        String db = env.getProperty(DB);
        if (db == null || db.isBlank()) {
            return;
        }
        Map<String, Object> props = new LinkedHashMap<>();
        switch (db.trim()) {
            case "h2" -> {
                Path dir = freshDataDir();
                props.put("boxd.data-dir", dir.toString());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            }
            case "postgres" -> {
                PgTarget pg = PgTarget.fromEnvironment(env::getProperty)
                        .orElseThrow(() -> new IllegalStateException(PgTarget.missingMessage()));
                String schema = "boxd_test_" + HexFormat.of().formatHex(RANDOM.generateSeed(5));
                props.put("spring.datasource.url", pg.urlWithSchema(schema));
                props.put("spring.datasource.username", pg.user());
                props.put("spring.datasource.password", pg.password());
                props.put("spring.flyway.schemas", schema);
                props.put(SCHEMA, schema);
                addProfile(app, "postgres");
                app.addListeners((ApplicationListener<ContextClosedEvent>) e -> dropSchema(pg, schema));
            }
            case "testcontainers" -> addProfile(app, "postgres");
            default -> throw new IllegalStateException(DB + " must be h2, postgres or testcontainers, not '" + db + "'");
        }
        env.getPropertySources().addFirst(new MapPropertySource("boxdTestDatabase", props));
    }

    private static void addProfile(SpringApplication app, String profile) {
        Set<String> profiles = new LinkedHashSet<>(app.getAdditionalProfiles());
        profiles.add(profile);
        app.setAdditionalProfiles(profiles.toArray(String[]::new));
    }

    private static Path freshDataDir() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target.toAbsolutePath(), "boxd-test-h2-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }

    private static void dropSchema(PgTarget pg, String schema) {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("boxd tests: could not drop schema " + schema + ": " + e.getMessage());
        }
    }
}
