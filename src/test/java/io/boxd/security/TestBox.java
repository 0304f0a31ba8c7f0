package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Kernel;
import io.boxd.testkit.Scratch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A security test's private world (its {@link Scratch}, removed in {@link #close}), and a small
 * HTTP client that can send a token.
 */
final class TestBox implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Scratch scratch;
    final Path dataDir;
    final Path baseDir;

    TestBox(String name) {
        this.scratch = Scratch.create("test-" + name);
        this.dataDir = scratch.dataDir;
        this.baseDir = scratch.baseDir;
    }

    /** Settings that point boxd at this world. */
    Map<String, String> settings() {
        return scratch.settings();
    }

    @Override
    public void close() throws Exception {
        scratch.remove();
    }

    /** The box cgroups under the base now. */
    List<String> boxDirsOrEmpty() {
        return List.copyOf(Kernel.dirs(baseDir));
    }

    /** The pids in a box's cgroup. */
    List<String> procs(String id) throws IOException {
        return Files.readAllLines(baseDir.resolve(id).resolve("cgroup.procs")).stream().filter(l -> !l.isBlank()).toList();
    }

    /** One reply. */
    record Reply(int status, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        /** A problem+json reply of this status and kind. */
        Reply problem(int expected, String kind) {
            assertThat(status).as("status of %s", this).isEqualTo(expected);
            assertThat(header("Content-Type")).as("content type of %s", this).startsWith("application/problem+json");
            assertThat(json().path("type").asString()).as("type of %s", this).isEqualTo("urn:boxd:problem:" + kind);
            assertThat(json().path("status").asInt()).isEqualTo(expected);
            assertThat(json().path("detail").asString("")).hasSizeGreaterThan(10);
            return this;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** A client for one server, sending {@code token} (when not null) as a bearer token. */
    record Client(String base, String token) {
        static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

        Client as(String otherToken) {
            return new Client(base, otherToken);
        }

        Reply get(String path) {
            return send("GET", path, null);
        }

        Reply post(String path, String json) {
            return send("POST", path, json);
        }

        Reply delete(String path) {
            return send("DELETE", path, null);
        }

        Reply send(String method, String path, String json) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
            if (json != null) {
                b.header("Content-Type", "application/json");
            }
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            try {
                HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new Reply(r.statusCode(), r.headers().map(), r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + path, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
