package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.BoxdApplication;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * boxd refuses to serve without a token, and insecure mode refuses anything but loopback; both
 * say how to fix it. These fail while the web server is created, before the database or cgroups.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupRefusalTest {

    @TempDir
    Path tmp;

    Throwable start(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--server.port=0";
        all[1] = "--boxd.data-dir=" + tmp;
        all[2] = "--BOXD_TOKENS=";
        all[3] = "--boxd.cgroup.base=boxd-test-refusal";
        System.arraycopy(args, 0, all, 4, args.length);
        try {
            SpringApplication.run(BoxdApplication.class, all).close();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("boxd started with " + String.join(" ", args));
    }

    static SecurityConfigException cause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SecurityConfigException s) {
                return s;
            }
        }
        throw new AssertionError("no SecurityConfigException in", t);
    }

    @Test
    void withoutATokenBoxdRefusesAndSaysHowToSetOne(CapturedOutput out) {
        SecurityConfigException e = cause(start("--boxd.security.mode=tokens"));
        assertThat(e.getMessage()).contains("no token is configured");
        assertThat(out.getOut() + out.getErr()).contains("APPLICATION FAILED TO START", "boxd refuses to serve",
                "BOXD_TOKENS=\"admin:$(openssl rand -hex 32):operator\"", "boxd.security.tokens-file",
                "boxd.security.mode=insecure-loopback-only");
    }

    @Test
    void aMalformedTokenStopsBoxdWithoutPrintingIt(CapturedOutput out) {
        SecurityConfigException e = cause(start("--boxd.security.mode=tokens",
                "--boxd.security.tokens=admin:s3cr3t-but-short:root"));
        assertThat(e.getMessage()).startsWith("boxd.security.tokens[0] has a role");
        assertThat(out.getOut() + out.getErr()).doesNotContain("s3cr3t-but-short");
    }

    @Test
    void aTokenWithDollarBracesInBoxdTokensIsTakenAsWrittenAndNeverPrinted(CapturedOutput out) {
        // "${" is legal in a token; Spring would resolve it as a placeholder, and an unresolvable one
        // failed startup with a message quoting the whole variable. The bad role makes boxd refuse
        // on its own terms, after it read the token as written.
        SecurityConfigException e = cause(start("--boxd.security.mode=tokens",
                "--BOXD_TOKENS=admin:Zq${boxd-no-such-key}9-s3cr3t-tail:root"));
        assertThat(e.getMessage()).startsWith("BOXD_TOKENS entry").contains("has a role");
        assertThat(out.getOut() + out.getErr()).doesNotContain("s3cr3t-tail", "no-such-key");
    }

    @Test
    void aSeparateManagementPortIsRefusedBecauseNoTokenGuardsIt(CapturedOutput out) {
        SecurityConfigException e = cause(start("--boxd.security.mode=tokens",
                "--boxd.security.tokens=admin:0123456789abcdef-mgmt:operator", "--management.server.port=0"));
        assertThat(e.getMessage()).contains("management.server.port=0");
        assertThat(out.getOut() + out.getErr()).contains("Remove management.server.port");
    }

    @Test
    void aTokenOnTheCommandLineIsWarnedAboutWithoutPrintingIt(CapturedOutput out) {
        // Refused for the management port after the tokens were read, so nothing else starts.
        cause(start("--boxd.security.mode=tokens", "--boxd.security.tokens=admin:0123456789abcdef-cmdl:operator",
                "--management.server.port=0"));
        assertThat(out.getOut() + out.getErr()).contains("tokens given as --boxd.security.tokens are readable by every process")
                .doesNotContain("0123456789abcdef-cmdl");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "--boxd.security.tokens=admin:0123456789abcdef-x:operator|--boxd.security.tokens",
            "--boxd.security.tokens[0]=admin:0123456789abcdef-x:operator|--boxd.security.tokens[0]",
            "--BOXD_TOKENS=admin:0123456789abcdef-x:operator|--BOXD_TOKENS",
            "--BOXD_TOKENS=|''",
            "--boxd.security.tokens-file=/etc/boxd/tokens|''",
            "--boxd.security.mode=tokens|''",
    })
    void tokensOnTheCommandLineAreFoundByKey(String arg, String found) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new SimpleCommandLinePropertySource(arg));
        assertThat(SecurityConfig.tokensOnTheCommandLine(env)).isEqualTo(found.isEmpty() ? List.of() : List.of(found));
    }

    @Test
    void aTokenInASystemPropertyIsFoundAndOneInAnotherSourceIsNot() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().replace(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, new MapPropertySource(
                StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, Map.of("boxd.security.tokens", "a:0123456789abcdef-x:viewer")));
        env.getPropertySources().addFirst(new MapPropertySource("application.yml", Map.of("boxd.security.tokens", "b:0123456789abcdef-y:viewer")));
        assertThat(SecurityConfig.tokensOnTheCommandLine(env)).containsExactly("-Dboxd.security.tokens");
    }

    @Test
    void insecureModeRefusesANonLoopbackAddress(CapturedOutput out) {
        SecurityConfigException e = cause(start("--boxd.security.mode=insecure-loopback-only", "--server.address=0.0.0.0"));
        assertThat(e.getMessage()).contains("server.address=0.0.0.0");
        assertThat(out.getOut() + out.getErr()).contains("Remove server.address");
    }

    @Test
    void insecureModeBindsLoopbackWhenNothingElseSaysWhere() {
        StandardEnvironment env = env(Map.of("boxd.security.mode", "insecure-loopback-only"));
        new LoopbackOnly().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(env.getProperty("management.server.address")).isNull();

        env = env(Map.of("boxd.security.mode", "INSECURE_LOOPBACK_ONLY", "server.address", "", "management.server.port", "9090"));
        new LoopbackOnly().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(env.getProperty("management.server.address")).isEqualTo("127.0.0.1");

        env = env(Map.of("boxd.security.mode", "insecure-loopback-only", "server.address", "10.1.2.3"));
        new LoopbackOnly().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("server.address")).as("left for SecurityConfig to refuse").isEqualTo("10.1.2.3");

        env = env(Map.of("boxd.security.mode", "tokens"));
        new LoopbackOnly().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("server.address")).isNull();
    }

    @Test
    void loopbackMeansLoopback() {
        assertThat(LoopbackOnly.isLoopback("127.0.0.1")).isTrue();
        assertThat(LoopbackOnly.isLoopback("127.0.0.2")).isTrue();
        assertThat(LoopbackOnly.isLoopback("::1")).isTrue();
        assertThat(LoopbackOnly.isLoopback("localhost")).isTrue();
        assertThat(LoopbackOnly.isLoopback("0.0.0.0")).isFalse();
        assertThat(LoopbackOnly.isLoopback("::")).isFalse();
        assertThat(LoopbackOnly.isLoopback("10.0.0.1")).isFalse();
        assertThat(LoopbackOnly.isLoopback("")).isFalse();
        assertThatThrownBy(() -> { throw new SecurityConfigException("m", "a"); }).hasMessage("m");
    }

    static StandardEnvironment env(Map<String, Object> props) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", props));
        return env;
    }
}
