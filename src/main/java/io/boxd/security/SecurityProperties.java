package io.boxd.security;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code boxd.security.*}. Tokens are {@code name:token:role} entries, from {@code tokens}, the
 * environment variable {@code BOXD_TOKENS} (comma-separated) and {@code tokens-file} (one entry a
 * line, {@code #} comments); all three are merged. There is no default token.
 *
 * @param mode       {@code tokens} (the default: every request but liveness, readiness and the API
 *                   docs needs a token) or {@code insecure-loopback-only} (no authentication; boxd
 *                   binds 127.0.0.1 and refuses any other address)
 * @param publicDocs whether Swagger UI and {@code /v3/api-docs} load without a token (default
 *                   true: the document describes the API and holds no data; the API calls made
 *                   from the UI still need one, given through "Authorize")
 */
@ConfigurationProperties("boxd.security")
public record SecurityProperties(
        @DefaultValue("tokens") Mode mode,
        List<String> tokens,
        Path tokensFile,
        @DefaultValue("true") boolean publicDocs) {

    /** How boxd authenticates. */
    public enum Mode {
        TOKENS,
        INSECURE_LOOPBACK_ONLY
    }

    public SecurityProperties {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }
}
