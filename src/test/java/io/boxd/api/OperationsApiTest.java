package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Http.Reply;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/** Actuator exposure, health groups, Swagger UI and the loopback-only default bind. */
class OperationsApiTest extends RealServerTest {

    static final Sandbox sandbox = Sandbox.create("ops");

    @Autowired
    Environment env;
    @Autowired
    ServletWebServerApplicationContext web;

    @Test
    void healthHasACgroupComponentWithMountControllersAndKill() {
        Reply r = http.get("/actuator/health");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("status").asString()).isEqualTo("UP");
        JsonNode cgroup = r.json().path("components").path("cgroup");
        assertThat(cgroup.path("status").asString()).as("%s", r).isEqualTo("UP");
        JsonNode d = cgroup.path("details");
        assertThat(d.path("mount").asString()).isEqualTo(sandbox.mount.toString());
        assertThat(d.path("controllers").isArray()).as("%s", d).isTrue();
        assertThat(d.path("cgroupKill").isBoolean()).as("%s", d).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/health/liveness", "/actuator/health/readiness"})
    void probeGroupsAreUp(String path) {
        Reply r = http.get(path);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("status").asString()).isEqualTo("UP");
    }

    @Test
    void readinessIncludesTheCgroupIndicator() {
        assertThat(http.get("/actuator/health/readiness").json().path("components").has("cgroup")).isTrue();
        assertThat(http.get("/actuator/health/readiness").json().path("components").path("logs").path("status").asString())
                .isEqualTo("UP");
    }

    @Test
    void readinessIncludesTheFreeSpaceUnderTheDataDir() throws Exception {
        assertThat(http.get("/actuator/health/readiness").json().path("components").has("diskSpace")).isTrue();
        JsonNode disk = http.get("/actuator/health").json().path("components").path("diskSpace").path("details");
        assertThat(java.nio.file.Path.of(disk.path("path").asString()).toRealPath())
                .as("%s", disk).isEqualTo(sandbox.dataDir().toRealPath());
    }

    @Test
    void infoIsExposed() {
        Reply r = http.get("/actuator/info");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().isObject()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/metrics",
            "/actuator/prometheus", "/actuator/heapdump", "/actuator/threaddump", "/actuator/loggers", "/actuator/mappings",
            "/actuator/shutdown"})
    void nothingElseIsExposed(String path) {
        http.get(path).problem(404, "not-found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/health/nosuch", "/actuator/health/liveness/nosuch", "/actuator/health/cgroup/x"})
    void anUnknownHealthComponentIsANotFoundProblem(String path) {
        Reply r = http.get(path);
        r.problem(404, "not-found");
        assertThat(r.json().path("detail").asString()).isEqualTo("no such resource: " + path);
        assertThat(r.json().path("instance").asString()).isEqualTo(path);
    }

    @Test
    void actuatorIndexLinksOnlyHealthAndInfo() {
        JsonNode links = http.get("/actuator").json().path("_links");
        List<String> names = new ArrayList<>();
        links.propertyNames().forEach(names::add);
        assertThat(names).containsExactlyInAnyOrder("self", "health", "health-path", "info");
    }

    @Test
    void swaggerUiIsReachable() {
        Reply r = http.get("/swagger-ui.html");
        String page = "/swagger-ui.html";
        if (r.status() == 302 || r.status() == 301) {
            page = r.header("Location");
            assertThat(page).endsWith("/swagger-ui/index.html");
            r = http.get(page);
        }
        assertThat(r.status()).as("%s", page).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(r.body()).contains("swagger-ui");
        // The page loads its config and then the spec; both must be there.
        JsonNode config = http.get("/v3/api-docs/swagger-config").json();
        assertThat(config.path("url").asString()).isEqualTo("/v3/api-docs");
        assertThat(http.get("/v3/api-docs").status()).isEqualTo(200);
        assertThat(http.get("/swagger-ui/swagger-initializer.js").status()).isEqualTo(200);
    }

    @Test
    void bindsToLoopbackByDefault() throws Exception {
        assertThat(env.getProperty("server.address")).isEqualTo("127.0.0.1");
        TomcatWebServer tomcat = (TomcatWebServer) web.getWebServer();
        Object bound = tomcat.getTomcat().getService().findConnectors()[0].getProperty("address");
        assertThat(bound).isNotNull();
        assertThat(((InetAddress) bound).isLoopbackAddress()).as("bound to %s", bound).isTrue();
        // And from the outside: another address of this machine must not reach the port.
        for (InetAddress a : nonLoopbackAddresses()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a, port), 1000);
                throw new AssertionError("boxd answered on " + a + ":" + port + "; it must bind 127.0.0.1 only");
            } catch (IOException refused) {
                // expected
            }
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (nif.isUp() && !nif.isLoopback()) {
                nif.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(out::add);
            }
        }
        return out;
    }
}
