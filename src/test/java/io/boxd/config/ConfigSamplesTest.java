package io.boxd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.boxd.BoxdApplication;
import io.boxd.BoxdProperties;
import io.boxd.cgroup.CgroupProperties;
import io.boxd.driver.BoxDriver;
import io.boxd.persistence.PgTarget;
import io.boxd.persistence.TestDatabases;
import io.boxd.testkit.Kernel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every sample in {@code config/} stays true to the code: each {@code boxd.*} key binds to a real
 * property (the {@code @ConfigurationProperties} classes found by scanning {@code io.boxd}, and
 * {@code @Value} keys), every value converts, every other key is one that Spring Boot's metadata
 * describes, and the root-cgroupfs and PostgreSQL samples start boxd for real.
 */
class ConfigSamplesTest {

    static final Path CONFIG = Path.of("config");
    static final List<String> EXPECTED = List.of("root-cgroupfs.yml", "systemd-host.yml", "rootless-user.yml", "postgres.yml");
    private static final SecureRandom RANDOM = new SecureRandom();

    static Stream<Path> samples() throws IOException {
        try (Stream<Path> s = Files.list(CONFIG)) {
            return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    /**
     * boxd.security.* and boxd.spawn.* come with authentication. Until those properties exist, the
     * samples carry them as lines starting with "#~"; once they exist this fails until the lines
     * are switched on (and then checked like every other key).
     */
    static final boolean SECURITY = present("io.boxd.security.SecurityProperties");

    static boolean present(String className) {
        try {
            Class.forName(className, false, ConfigSamplesTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void theFourSamplesExist() throws IOException {
        assertThat(samples().map(p -> p.getFileName().toString())).containsAll(EXPECTED);
    }

    @Test
    void securityLinesAreOnOnceBoxdHasSecurity() throws IOException {
        List<String> waiting = new ArrayList<>();
        for (Path p : samples().toList()) {
            for (String line : Files.readAllLines(p)) {
                if (line.startsWith("#~")) {
                    waiting.add(p + ": " + line);
                }
            }
        }
        if (SECURITY) {
            assertThat(waiting).as("io.boxd.security exists now: switch these lines on with sed -i 's/^#~//' config/*.yml")
                    .isEmpty();
        }
    }

    // ---- keys and values ---------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("samples")
    void everyBoxdKeyIsARealPropertyAndEveryValueBinds(Path sample) {
        List<PropertySource<?>> sources = load(sample);
        Map<String, Object> bound = bindAll(sources);
        assertThat(unknownBoxdKeys(sources, bound.keySet()))
                .as("boxd.* keys in %s that no property binds; boxd knows %s", sample, Known.boxdLeaves()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyOtherKeyIsOneSpringBootKnows(Path sample) {
        List<String> unknown = new ArrayList<>();
        for (ConfigurationPropertyName name : names(load(sample))) {
            if (!name.toString().startsWith("boxd.") && !SpringMetadata.INSTANCE.knows(name)) {
                unknown.add(name.toString());
            }
        }
        assertThat(unknown).as("keys in %s that no Spring Boot metadata on the classpath describes", sample).isEmpty();
    }

    @Test
    void theSamplesSayWhatTheyAreFor() {
        Map<String, Object> root = bindAll(load(CONFIG.resolve("root-cgroupfs.yml")));
        assertThat(root).containsEntry("boxd.driver", "cgroupfs");
        if (SECURITY) {
            assertThat(root).containsEntry("boxd.security.mode", "TOKENS").containsKey("boxd.spawn.allowed-uids");
            assertThat(String.valueOf(root.get("boxd.security.tokens-file"))).isEqualTo("/etc/boxd/tokens");
        }

        Map<String, Object> systemd = bindAll(load(CONFIG.resolve("systemd-host.yml")));
        assertThat(systemd).containsEntry("boxd.driver", "systemd").containsEntry("boxd.systemd.bus-address", "");

        Map<String, Object> rootless = bindAll(load(CONFIG.resolve("rootless-user.yml")));
        assertThat(rootless).containsEntry("boxd.driver", "systemd");
        assertThat(String.valueOf(rootless.get("boxd.data-dir")))
                .as("${HOME} resolves").isEqualTo(System.getenv("HOME") + "/.local/share/boxd");
        assertThat(rootless.keySet()).as("boxd.spawn does not apply rootless").noneMatch(k -> k.startsWith("boxd.spawn."));

        Binder pg = binder(load(CONFIG.resolve("postgres.yml")));
        assertThat(pg.bind("spring.profiles.active", String[].class).get()).containsExactly("postgres");
        assertThat(pg.bind("spring.datasource.url", String.class).get()).startsWith("jdbc:postgresql://");
        assertThat(pg.bind("spring.datasource.password", String.class).isBound()).as("no password in a sample").isFalse();

        for (String name : EXPECTED) {
            Binder b = binder(load(CONFIG.resolve(name)));
            assertThat(b.bind("boxd.security.tokens", String[].class).isBound())
                    .as("%s must never hold a token", name).isFalse();
        }
    }

    /** The check itself: misspelt or invented keys must be caught, or the tests above prove nothing. */
    @Test
    void aMisspeltKeyIsCaught() {
        List<PropertySource<?>> bad = yaml("""
                boxd:
                  driver: cgroupfs
                  cgroup:
                    kil-timeout: 5s
                    controllers: [cpu]
                  reconcile:
                    orphan: reap
                  securty:
                    tokens-file: /etc/boxd/tokens
                  no-such-group:
                    x: 1
                  api:
                    max-body-bytes: 1024
                """);
        Map<String, Object> bound = bindAll(bad);
        assertThat(bound).containsKeys("boxd.driver", "boxd.cgroup.controllers", "boxd.api.max-body-bytes");
        assertThat(unknownBoxdKeys(bad, bound.keySet())).containsExactlyInAnyOrder(
                "boxd.cgroup.kil-timeout", "boxd.reconcile.orphan", "boxd.securty.tokens-file", "boxd.no-such-group.x");
        assertThat(SpringMetadata.INSTANCE.knows(ConfigurationPropertyName.of("spring.datasource.ulr"))).isFalse();
        assertThat(SpringMetadata.INSTANCE.knows(ConfigurationPropertyName.of("spring.datasource.url"))).isTrue();
        assertThat(SpringMetadata.INSTANCE.knows(ConfigurationPropertyName.of("logging.level.io.boxd"))).isTrue();
    }

    @Test
    void aValueThatDoesNotConvertIsCaught() {
        assertThatThrownBy(() -> bindAll(yaml("boxd:\n  cgroup:\n    kill-timeout: five seconds\n")))
                .hasMessageContaining("boxd.cgroup.kill-timeout");
        assertThatThrownBy(() -> bindAll(yaml("boxd:\n  api:\n    max-body-bytes: 64KB-ish\n")))
                .hasMessageContaining("boxd.api.max-body-bytes");
    }

    // ---- the samples start boxd ----------------------------------------------------------------

    @Test
    void theRootCgroupfsSampleStartsBoxd() throws Exception {
        Scratch s = new Scratch();
        try (ConfigurableApplicationContext ctx = start(s, "file:config/root-cgroupfs.yml")) {
            assertThat(ctx.getBean(BoxdProperties.class).driver()).isEqualTo("cgroupfs");
            assertThat(ctx.getBean(BoxDriver.class).name()).isEqualTo("cgroupfs");
            CgroupProperties cg = ctx.getBean(CgroupProperties.class);
            assertThat(cg.base()).isEqualTo(s.base);
            assertThat(cg.controllers()).containsExactlyInAnyOrder("cpu", "memory", "pids");
            assertThat(cg.killTimeout()).isEqualTo(Duration.ofSeconds(5));
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            assertThat(get(port, "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
            assertThat(get(port, "/v1/host", s.token).statusCode()).as("with the token from the tokens file").isEqualTo(200);
        } finally {
            s.close();
        }
    }

    @Test
    void thePostgresSampleStartsBoxdOnPostgres() throws Exception {
        PgTarget pg = PgTarget.fromProcess().orElse(null);
        if (pg == null) {
            if (PgTarget.inCi() && "postgres".equals(System.getProperty(TestDatabases.DB))) {
                fail("CI=true and this is the PostgreSQL run, but no server was given. " + PgTarget.missingMessage());
            }
            Assumptions.abort(PgTarget.missingMessage());
        }
        String schema = "boxd_cfg_" + HexFormat.of().formatHex(RANDOM.generateSeed(5));
        Scratch s = new Scratch();
        try (ConfigurableApplicationContext ctx = start(s, "file:config/root-cgroupfs.yml,file:config/postgres.yml",
                "--spring.datasource.url=" + pg.urlWithSchema(schema),
                "--spring.datasource.username=" + pg.user(),
                "--spring.datasource.password=" + pg.password(),
                "--spring.flyway.schemas=" + schema)) {
            assertThat(ctx.getEnvironment().getActiveProfiles()).as("set by the sample").contains("postgres");
            try (Connection c = ctx.getBean(DataSource.class).getConnection()) {
                assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
                assertThat(c.getSchema()).isEqualTo(schema);
            }
            JdbcClient jdbc = ctx.getBean(JdbcClient.class);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")
                    .query(Long.class).single()).as("every migration").isEqualTo(migrations());
            assertThat(jdbc.sql("SELECT COUNT(*) FROM reconcile_run WHERE trigger_name = 'startup'").query(Long.class).single())
                    .as("the startup reconcile was recorded in PostgreSQL").isEqualTo(1L);
        } finally {
            s.close();
            try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
                 Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    /** A unique cgroup base, a temp data dir and a tokens file, so a started sample touches nothing shared. */
    static final class Scratch {
        final String base = "boxd-cfgtest-" + HexFormat.of().formatHex(RANDOM.generateSeed(4));
        final String token = HexFormat.of().formatHex(RANDOM.generateSeed(24));
        final Path dataDir;
        final Path tokens;

        Scratch() throws IOException {
            dataDir = Files.createTempDirectory("boxd-cfgtest-");
            tokens = dataDir.resolve("tokens");
            Files.writeString(tokens, "# made by ConfigSamplesTest\nconfig-test:" + token + ":operator\n");
            Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        }

        void close() throws IOException {
            // From the mount, not from the started context: a start that fails after the driver
            // made the base leaves no context to ask.
            Path dir = Kernel.mount().resolve(base);
            if (Files.isDirectory(dir)) {
                Files.delete(dir);
            }
            try (Stream<Path> w = Files.walk(dataDir)) {
                for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static ConfigurableApplicationContext start(Scratch s, String locations, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.config.additional-location=" + locations,
                // The sample's own values, but nothing that could touch this host's real boxd.
                "--boxd.cgroup.base=" + s.base,
                "--boxd.data-dir=" + s.dataDir,
                // The samples name /run/boxd (the default); a test's lock goes with its data dir.
                "--boxd.reconcile.lock-dir=" + s.dataDir.resolve("locks"),
                "--boxd.security.tokens-file=" + s.tokens,
                "--server.address=127.0.0.1",
                "--server.port=0",
                // Not switched by a -Ppostgres-tests run: the sample decides the database.
                "--" + TestDatabases.DB + "="));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(BoxdApplication.class).run(args.toArray(String[]::new));
    }

    static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static long migrations() throws IOException {
        return new PathMatchingResourcePatternResolver().getResources("classpath:db/migration/V*__*.sql").length;
    }

    // ---- the checker -----------------------------------------------------------------------------

    static List<PropertySource<?>> load(Path file) {
        try {
            return new YamlPropertySourceLoader().load(file.getFileName().toString(), new FileSystemResource(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<PropertySource<?>> yaml(String text) {
        try {
            return new YamlPropertySourceLoader().load("inline.yml", new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ConfigurationPropertyName> names(List<PropertySource<?>> sources) {
        List<ConfigurationPropertyName> out = new ArrayList<>();
        for (ConfigurationPropertySource s : ConfigurationPropertySources.from(sources)) {
            ((IterableConfigurationPropertySource) s).stream().forEach(out::add);
        }
        return out;
    }

    /** The sample's keys, with ${...} resolved against it and the process environment (e.g. HOME). */
    static Binder binder(List<PropertySource<?>> sources) {
        StandardEnvironment env = new StandardEnvironment();
        sources.forEach(env.getPropertySources()::addFirst);
        return new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(env));
    }

    /**
     * Binds the sample into every {@code @ConfigurationProperties} class of boxd (a value that does
     * not convert throws, naming the key) and every {@code @Value} key, and returns each leaf
     * property the sample set, by name, with its bound value.
     */
    static Map<String, Object> bindAll(List<PropertySource<?>> sources) {
        Binder binder = binder(sources);
        Map<String, Object> bound = new TreeMap<>();
        for (Map.Entry<Class<?>, String> e : Known.propertiesClasses().entrySet()) {
            binder.bind(e.getValue(), Bindable.of(e.getKey()), new BindHandler() {
                @Override
                public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
                    if (!Known.isOurs(target.getType().resolve(Object.class))) {
                        bound.put(name.toString(), result instanceof Enum<?> en ? en.name() : result);
                    }
                    return result;
                }
            });
        }
        for (Map.Entry<String, Class<?>> v : Known.valueKeys().entrySet()) {
            binder.bind(v.getKey(), Bindable.of(v.getValue())).ifBound(x -> bound.put(v.getKey(), x));
        }
        return bound;
    }

    /** Keys under boxd. that are neither a bound property nor inside one (a list item, a map entry). */
    static List<String> unknownBoxdKeys(List<PropertySource<?>> sources, Set<String> bound) {
        List<ConfigurationPropertyName> leaves = bound.stream().map(ConfigurationPropertyName::of).toList();
        List<String> unknown = new ArrayList<>();
        for (ConfigurationPropertyName name : names(sources)) {
            if (name.toString().startsWith("boxd.") && leaves.stream().noneMatch(l -> l.equals(name) || l.isAncestorOf(name))) {
                unknown.add(name.toString());
            }
        }
        return unknown;
    }

    /** What boxd reads: its @ConfigurationProperties classes (found by scanning) and its @Value keys. */
    static final class Known {

        private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(boxd\\.[a-z0-9.-]+)(:[^}]*)?}");
        private static Map<Class<?>, String> classes;
        private static Map<String, Class<?>> values;

        static boolean isOurs(Class<?> type) {
            return type.getName().startsWith("io.boxd.") && !type.isEnum();
        }

        static synchronized Map<Class<?>, String> propertiesClasses() {
            if (classes == null) {
                ClassPathScanningCandidateComponentProvider scan = new ClassPathScanningCandidateComponentProvider(false);
                scan.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
                Map<Class<?>, String> out = new LinkedHashMap<>();
                for (BeanDefinition d : scan.findCandidateComponents("io.boxd")) {
                    Class<?> c = load(d.getBeanClassName());
                    if (isMain(c)) {
                        ConfigurationProperties cp = c.getAnnotation(ConfigurationProperties.class);
                        out.put(c, cp.prefix().isEmpty() ? cp.value() : cp.prefix());
                    }
                }
                assertThat(out.values()).as("scanning found boxd's properties classes")
                        .contains("boxd", "boxd.cgroup", "boxd.limits", "boxd.reconcile", "boxd.systemd");
                classes = out;
            }
            return classes;
        }

        /** {@code @Value("${boxd.x:default}")} on fields, constructor and method parameters of boxd's classes. */
        static synchronized Map<String, Class<?>> valueKeys() {
            if (values == null) {
                Map<String, Class<?>> out = new TreeMap<>();
                try {
                    for (Resource r : new PathMatchingResourcePatternResolver().getResources("classpath*:io/boxd/**/*.class")) {
                        String url = r.getURL().toString();
                        if (url.contains("/test-classes/")) {
                            continue;
                        }
                        String cls = url.substring(url.lastIndexOf("/io/boxd/") + 1, url.length() - ".class".length()).replace('/', '.');
                        Class<?> c;
                        try {
                            c = Class.forName(cls, false, ConfigSamplesTest.class.getClassLoader());
                        } catch (ClassNotFoundException | LinkageError e) {
                            continue;
                        }
                        for (Field f : c.getDeclaredFields()) {
                            note(out, f, f.getType());
                        }
                        List<Executable> code = new ArrayList<>(List.of(c.getDeclaredConstructors()));
                        code.addAll(List.of(c.getDeclaredMethods()));
                        for (Executable x : code) {
                            for (Parameter p : x.getParameters()) {
                                note(out, p, p.getType());
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                values = out;
            }
            return values;
        }

        private static void note(Map<String, Class<?>> out, AnnotatedElement e, Class<?> type) {
            Value v = e.getAnnotation(Value.class);
            if (v != null) {
                Matcher m = PLACEHOLDER.matcher(v.value());
                while (m.find()) {
                    out.put(m.group(1), type.isPrimitive() ? boxed(type) : type);
                }
            }
        }

        private static Class<?> boxed(Class<?> p) {
            return p == long.class ? Long.class : p == int.class ? Integer.class : p == boolean.class ? Boolean.class
                    : p == double.class ? Double.class : Object.class;
        }

        /** For failure messages: every boxd key, from the record components. */
        static Set<String> boxdLeaves() {
            Set<String> out = new TreeSet<>(valueKeys().keySet());
            propertiesClasses().forEach((c, prefix) -> leaves(prefix, c, out, 0));
            return out;
        }

        private static void leaves(String prefix, Class<?> c, Set<String> out, int depth) {
            if (c.isRecord() && depth < 5) {
                for (var rc : c.getRecordComponents()) {
                    String name = prefix + "." + rc.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
                    if (isOurs(rc.getType()) && rc.getType().isRecord()) {
                        leaves(name, rc.getType(), out, depth + 1);
                    } else {
                        out.add(name);
                    }
                }
            } else {
                out.add(prefix + ".*");
            }
        }

        private static boolean isMain(Class<?> c) {
            var src = c.getProtectionDomain().getCodeSource();
            return src == null || !src.getLocation().toString().contains("/test-classes/");
        }

        private static Class<?> load(String name) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Every key that the Spring Boot metadata on the classpath describes (a map takes any sub-key). */
    enum SpringMetadata {
        INSTANCE;

        private final Set<String> exact = new TreeSet<>();
        private final Set<String> maps = new TreeSet<>();

        SpringMetadata() {
            JsonMapper json = JsonMapper.builder().build();
            try {
                PathMatchingResourcePatternResolver r = new PathMatchingResourcePatternResolver();
                List<Resource> files = new ArrayList<>(List.of(r.getResources("classpath*:META-INF/spring-configuration-metadata.json")));
                files.addAll(List.of(r.getResources("classpath*:META-INF/additional-spring-configuration-metadata.json")));
                for (Resource f : files) {
                    try (InputStream in = f.getInputStream()) {
                        for (JsonNode p : json.readTree(in).path("properties")) {
                            String name = p.path("name").asString();
                            exact.add(name);
                            if (p.path("type").asString("").startsWith("java.util.Map")) {
                                maps.add(name);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean knows(ConfigurationPropertyName name) {
            ConfigurationPropertyName plain = ConfigurationPropertyName.of(name.toString().replaceAll("\\[\\d+]", ""));
            if (exact.contains(plain.toString())) {
                return true;
            }
            for (ConfigurationPropertyName p = plain.getParent(); !p.isEmpty(); p = p.getParent()) {
                if (maps.contains(p.toString())) {
                    return true;
                }
            }
            return false;
        }
    }
}
