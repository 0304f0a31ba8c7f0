package io.boxd.security;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;

/**
 * Wires the bearer-token filter, and refuses to serve without a token. The filter bean is made
 * while the web server is being created, before the database or the cgroup driver, so a missing
 * token stops boxd at once with {@link SecurityFailureAnalyzer}'s message.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);
    private static final Pattern TOKEN_KEY = Pattern.compile("(?i)boxd\\.security\\.tokens(\\[\\d+])?|" + Tokens.ENV);

    @Bean
    FilterRegistrationBean<BearerTokenFilter> bearerTokenFilter(SecurityProperties props, Environment env) {
        BearerTokenFilter filter = props.mode() == SecurityProperties.Mode.INSECURE_LOOPBACK_ONLY
                ? insecure(props, env)
                : new BearerTokenFilter(tokens(props, env), props.publicDocs());
        FilterRegistrationBean<BearerTokenFilter> reg = new FilterRegistrationBean<>(filter);
        reg.setName("boxdBearerToken");
        reg.addUrlPatterns("/*");
        // Right after the body cap and the character encoding (both HIGHEST_PRECEDENCE), before
        // everything that reads the request.
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return reg;
    }

    /**
     * {@code BOXD_TOKENS} as given, from the first property source that has it. Not
     * {@code getProperty}: that resolves {@code ${...}}, and a token may contain those characters;
     * an unresolvable one failed startup with a message that quoted every token in the variable.
     */
    static String tokensVariable(Environment env) {
        if (env instanceof ConfigurableEnvironment c) {
            for (org.springframework.core.env.PropertySource<?> source : c.getPropertySources()) {
                Object value = source.getProperty(Tokens.ENV);
                if (value != null) {
                    return value.toString();
                }
            }
            return null;
        }
        return env.getProperty(Tokens.ENV);
    }

    /**
     * The token settings that came in boxd's own command line ({@code --key=} or {@code -Dkey=}),
     * which {@code /proc/<pid>/cmdline} shows to every user. Named by key and where, never by value.
     */
    static List<String> tokensOnTheCommandLine(Environment env) {
        if (!(env instanceof ConfigurableEnvironment c)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        tokenKeys(c, CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME, "--", out);
        tokenKeys(c, StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, "-D", out);
        return out;
    }

    private static void tokenKeys(ConfigurableEnvironment env, String sourceName, String prefix, List<String> out) {
        if (!(env.getPropertySources().get(sourceName) instanceof EnumerablePropertySource<?> source)) {
            return;
        }
        for (String key : source.getPropertyNames()) {
            Object value = source.getProperty(key);
            if (TOKEN_KEY.matcher(key).matches() && value != null && !value.toString().isBlank()) {
                out.add(prefix + key);
            }
        }
    }

    static Tokens tokens(SecurityProperties props, Environment env) {
        List<String> visible = tokensOnTheCommandLine(env);
        if (!visible.isEmpty()) {
            log.warn("tokens given as {} are readable by every process on this host, boxes included, in "
                    + "/proc/<pid>/cmdline, and a box can reach boxd on 127.0.0.1: give them in the environment "
                    + "({}) or in boxd.security.tokens-file instead", String.join(" and ", visible), Tokens.ENV);
        }
        // Actuator on a port of its own runs in a child context that this filter does not guard:
        // health with its details and info would answer anyone.
        Integer mgmt = env.getProperty("management.server.port", Integer.class);
        Integer server = env.getProperty("server.port", Integer.class);
        // Spring Boot's own rule (ManagementPortType): negative disables it, an equal non-zero port shares.
        boolean separate = mgmt != null && mgmt >= 0 && !(mgmt != 0 && mgmt.equals(server == null ? 8080 : server));
        if (separate) {
            throw new SecurityConfigException("management.server.port=" + mgmt + " would serve actuator on a "
                    + "second port, which boxd's token check does not guard",
                    "Remove management.server.port: actuator then shares the API's port and its token check "
                            + "(liveness and readiness stay public for probes).");
        }
        Tokens tokens = Tokens.load(props.tokens(), tokensVariable(env), props.tokensFile());
        if (tokens.size() == 0) {
            throw new SecurityConfigException("no token is configured, and every API request needs one "
                    + "(boxd.security.mode=tokens; only liveness, readiness and the API docs are public)", Tokens.HOW_TO_SET);
        }
        log.info("authentication: bearer tokens for {}; liveness and readiness{} are public",
                String.join(", ", tokens.describe()), props.publicDocs() ? ", Swagger UI and /v3/api-docs" : "");
        return tokens;
    }

    private static BearerTokenFilter insecure(SecurityProperties props, Environment env) {
        for (String key : new String[] {"server.address", "management.server.address"}) {
            String address = env.getProperty(key);
            if (address != null && !LoopbackOnly.isLoopback(address)) {
                throw new SecurityConfigException("boxd.security.mode=insecure-loopback-only serves without "
                        + "authentication, so it only binds a loopback address, but " + key + "=" + address,
                        "Remove " + key + " (boxd then binds 127.0.0.1), or configure tokens and drop "
                                + "boxd.security.mode=insecure-loopback-only.\n" + Tokens.HOW_TO_SET);
            }
        }
        String configured = !props.tokens().isEmpty() || props.tokensFile() != null || tokensVariable(env) != null
                ? " (the configured tokens are ignored)" : "";
        log.warn("authentication is OFF (boxd.security.mode=insecure-loopback-only){}: anyone on this host, boxes included, can "
                + "call boxd on {}", configured, env.getProperty("server.address", LoopbackOnly.LOOPBACK));
        return BearerTokenFilter.insecure();
    }
}
