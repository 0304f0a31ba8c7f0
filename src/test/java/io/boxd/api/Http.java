package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain java.net.http client for one server, with problem+json assertions. */
final class Http {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String JSON_TYPE = "application/json";

    /** One reply: status, headers, raw body and the body parsed as JSON (null when it is not). */
    record Reply(int status, HttpHeaders headers, String body, JsonNode json) {

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + body;
        }

        /** Asserts an {@code application/problem+json} reply of this status and kind, and returns it. */
        Reply problem(int expectedStatus, String kind) {
            assertThat(status).as("status of %s", this).isEqualTo(expectedStatus);
            assertThat(contentType()).as("content type of %s", this).startsWith("application/problem+json");
            assertThat(json).as("a JSON body in %s", this).isNotNull();
            assertThat(json.path("type").asString()).as("type of %s", this).isEqualTo("urn:boxd:problem:" + kind);
            assertThat(json.path("status").asInt()).as("status field of %s", this).isEqualTo(expectedStatus);
            assertThat(json.path("detail").asString("")).as("a useful detail in %s", this).hasSizeGreaterThan(10);
            return this;
        }

        /** A 400 whose {@code errors[]} names {@code field}. */
        Reply badField(String kind, String field) {
            problem(400, kind);
            assertThat(json.path("errors").isArray()).as("errors[] in %s", this).isTrue();
            assertThat(json.path("errors").valueStream().map(e -> e.path("field").asString()).toList())
                    .as("errors[].field of %s", this).contains(field);
            json.path("errors").forEach(e -> assertThat(e.path("message").asString("")).as("message in %s", this).isNotBlank());
            return this;
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Reply get(String path) {
        return send("GET", path, null, null);
    }

    Reply post(String path, String json) {
        return send("POST", path, json, JSON_TYPE);
    }

    Reply patch(String path, String json) {
        return send("PATCH", path, json, JSON_TYPE);
    }

    Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    Reply send(String method, String path, String body, String contentType) {
        HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
        return sendWith(method, path, pub, contentType);
    }

    /** Sends the body without a Content-Length, so it goes chunked. */
    Reply sendChunked(String method, String path, byte[] body, String contentType) {
        return sendWith(method, path, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), contentType);
    }

    Reply sendWith(String method, String path, HttpRequest.BodyPublisher pub, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).method(method, pub);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body(), parse(r.body()));
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (Exception notJson) {
            return null;
        }
    }
}
