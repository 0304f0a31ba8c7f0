package io.boxd.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * HTTP/1.1 written by hand on a socket, for what java.net.http refuses to send: a malformed
 * request line, and a chunked body that has not ended when the answer is read.
 */
final class RawHttp implements AutoCloseable {

    /** One answer: status, headers (lower-case names), body, and the body as JSON (null when it is not). */
    record Answer(int status, Map<String, String> headers, String body, JsonNode json) {

        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        /** Asserts a problem+json answer of this status and {@code urn:boxd:problem:<kind>}. */
        Answer problem(int expectedStatus, String kind) {
            assertThat(status).as("%s", this).isEqualTo(expectedStatus);
            assertThat(contentType()).as("%s", this).isEqualTo("application/problem+json");
            assertThat(json == null ? null : json.path("type").asString()).as("%s", this).isEqualTo("urn:boxd:problem:" + kind);
            return this;
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + body;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request line and headers, exactly as given; {@code Host} is added. */
    RawHttp head(String requestLine, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** One chunk of a chunked body; the body is left open. */
    RawHttp chunk(byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads one answer (Content-Length or chunked). */
    Answer read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP answer: " + status);
        }
        Map<String, String> headers = new TreeMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n = Integer.parseInt(line().split(";")[0].trim(), 16); n > 0;
                    n = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(n));
                line();
            }
            line();
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        }
        String text = body.toString(StandardCharsets.UTF_8);
        JsonNode json = null;
        try {
            json = text.isBlank() ? null : Http.JSON.readTree(text);
        } catch (RuntimeException notJson) {
            // left null: the assertions say what came instead
        }
        return new Answer(Integer.parseInt(status.substring(9, 12)), headers, text, json);
    }

    /**
     * Writes chunks of {@code chunk} bytes until the server drops the connection; the bytes
     * written, or -1 when {@code limit} bytes went out without it doing so.
     */
    long writeUntilRefused(int chunk, long limit) {
        byte[] data = new byte[chunk];
        long sent = 0;
        try {
            while (sent < limit) {
                chunk(data);
                sent += chunk;
            }
            return -1;
        } catch (IOException refused) {
            return sent;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed mid-answer after '" + b + "'");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
