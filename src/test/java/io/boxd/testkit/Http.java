package io.boxd.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain java.net.http client for one boxd, with problem+json assertions; {@link #as} sends a
 * bearer token. A failed exchange is a test failure, except through {@link #trySend}, for a boxd
 * that may be gone.
 */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String JSON_TYPE = "application/json";

    /** One reply: status, headers, raw body and the body parsed as JSON (null when it is not). */
    public record Reply(int status, HttpHeaders headers, String body, JsonNode json) {

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + body;
        }

        /** Asserts the status, and returns this reply. */
        public Reply expect(int expectedStatus) {
            assertThat(status).as("status of %s", this).isEqualTo(expectedStatus);
            return this;
        }

        /** Asserts an {@code application/problem+json} reply of this status and kind, and returns it. */
        public Reply problem(int expectedStatus, String kind) {
            assertThat(status).as("status of %s", this).isEqualTo(expectedStatus);
            assertThat(contentType()).as("content type of %s", this).startsWith("application/problem+json");
            assertThat(json).as("a JSON body in %s", this).isNotNull();
            assertThat(json.path("type").asString()).as("type of %s", this).isEqualTo("urn:boxd:problem:" + kind);
            assertThat(json.path("status").asInt()).as("status field of %s", this).isEqualTo(expectedStatus);
            assertThat(json.path("detail").asString("")).as("a useful detail in %s", this).hasSizeGreaterThan(10);
            return this;
        }

        /** A 400 whose {@code errors[]} names {@code field}. */
        public Reply badField(String kind, String field) {
            problem(400, kind);
            assertThat(json.path("errors").isArray()).as("errors[] in %s", this).isTrue();
            assertThat(json.path("errors").valueStream().map(e -> e.path("field").asString()).toList())
                    .as("errors[].field of %s", this).contains(field);
            json.path("errors").forEach(e -> assertThat(e.path("message").asString("")).as("message in %s", this).isNotBlank());
            return this;
        }
    }

    private final HttpClient client;
    public final String base;
    private final String token;

    public Http(int port) {
        this("http://127.0.0.1:" + port);
    }

    public Http(String base) {
        this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build(), base, null);
    }

    private Http(HttpClient client, String base, String token) {
        this.client = client;
        this.base = base;
        this.token = token;
    }

    /** The same server, sending {@code Authorization: Bearer <token>} (none when null). */
    public Http as(String otherToken) {
        return new Http(client, base, otherToken);
    }

    public Reply get(String path) {
        return send("GET", path, null, null);
    }

    public Reply post(String path, String json) {
        return send("POST", path, json);
    }

    public Reply patch(String path, String json) {
        return send("PATCH", path, json);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    /** {@code json} as an {@code application/json} body; no body and no Content-Type when null. */
    public Reply send(String method, String path, String json) {
        return send(method, path, json, json == null ? null : JSON_TYPE);
    }

    public Reply send(String method, String path, String body, String contentType) {
        return sendWith(method, path, publisher(body), contentType);
    }

    /** Sends the body without a Content-Length, so it goes chunked. */
    public Reply sendChunked(String method, String path, byte[] body, String contentType) {
        return sendWith(method, path, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), contentType);
    }

    private Reply sendWith(String method, String path, HttpRequest.BodyPublisher pub, String contentType) {
        try {
            return exchange(method, path, pub, contentType);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    /** As {@link #send(String, String, String)}, but a boxd that is not (or no longer) there is an IOException. */
    public Reply trySend(String method, String path, String json) throws IOException {
        return exchange(method, path, publisher(json), json == null ? null : JSON_TYPE);
    }

    /** Every record, through the paged listing: id to Box JSON. */
    public Map<String, JsonNode> allBoxes() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (int page = 0; ; page++) {
            Reply r = get("/v1/boxes?size=500&page=" + page);
            if (r.status() != 200) {
                throw new AssertionError("GET /v1/boxes: " + r);
            }
            List<JsonNode> items = new ArrayList<>();
            r.json().path("items").forEach(items::add);
            items.forEach(b -> out.put(b.path("id").asString(), b));
            if (items.size() < 500) {
                return out;
            }
        }
    }

    /** The box's history as a list of {type, detail} nodes, oldest first. */
    public List<JsonNode> events(String id) {
        Reply r = get("/v1/boxes/" + id + "/events");
        if (r.status() != 200) {
            throw new AssertionError("GET events of " + id + ": " + r);
        }
        List<JsonNode> out = new ArrayList<>();
        r.json().forEach(out::add);
        return out;
    }

    private static HttpRequest.BodyPublisher publisher(String body) {
        return body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
    }

    private Reply exchange(String method, String path, HttpRequest.BodyPublisher pub, String contentType) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).method(method, pub);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body(), parse(r.body()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}
