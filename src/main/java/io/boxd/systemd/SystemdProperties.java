package io.boxd.systemd;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code boxd.systemd.*}: an explicit D-Bus address (empty: the system bus for root, the user
 * manager's bus for anyone else) and how long to wait for one systemd job.
 */
@ConfigurationProperties("boxd.systemd")
public record SystemdProperties(String busAddress, @DefaultValue("30s") Duration jobTimeout) {
}
