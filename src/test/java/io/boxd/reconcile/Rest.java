package io.boxd.reconcile;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
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

/** A plain java.net.http client for one boxd. {@link #send} throws IOException when boxd is gone. */
final class Rest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    record Reply(int status, String body, JsonNode json) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final String base;

    Rest(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Reply send(String method, String path, String json) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), parse(r.body()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** For the checking side, where boxd must answer: an IOException is a test failure. */
    Reply call(String method, String path, String json) {
        try {
            return send(method, path, json);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    Reply get(String path) {
        return call("GET", path, null);
    }

    Reply post(String path, String json) {
        return call("POST", path, json);
    }

    /** Every record, through the paged listing: id to Box JSON. */
    Map<String, JsonNode> allBoxes() {
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
    List<JsonNode> events(String id) {
        Reply r = get("/v1/boxes/" + id + "/events");
        if (r.status() != 200) {
            throw new AssertionError("GET events of " + id + ": " + r);
        }
        List<JsonNode> out = new ArrayList<>();
        r.json().forEach(out::add);
        return out;
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
