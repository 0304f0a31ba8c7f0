package io.boxd;

import io.boxd.driver.Enforcement;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Top-level settings: {@code boxd.enforcement} (strict refuses limits that cannot hold),
 * {@code boxd.data-dir} (the H2 file and the box logs) and {@code boxd.driver}.
 */
@ConfigurationProperties("boxd")
public record BoxdProperties(
        @DefaultValue("strict") Enforcement enforcement,
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("auto") String driver) {

    public Path logDir() {
        return dataDir.resolve("logs");
    }
}
