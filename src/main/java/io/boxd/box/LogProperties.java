package io.boxd.box;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code boxd.logs.*}: how much of a box's output its log keeps ({@code max-size}; {@code 0}
 * keeps all of it) and how often boxd looks ({@code check-interval}). Between two looks a box can
 * write past the cap; the host's write speed times the interval bounds that, and the next look
 * takes it back.
 */
@ConfigurationProperties("boxd.logs")
public record LogProperties(
        @DefaultValue("64MB") DataSize maxSize,
        @DefaultValue("100ms") Duration checkInterval) {

    public LogProperties {
        if (maxSize.isNegative()) {
            throw new IllegalArgumentException("boxd.logs.max-size must be 0 (no cap) or more, not " + maxSize);
        }
        if (maxSize.toBytes() > 0 && (checkInterval.isNegative() || checkInterval.isZero())) {
            throw new IllegalArgumentException("boxd.logs.check-interval must be more than 0 while boxd.logs.max-size is set, not "
                    + checkInterval);
        }
    }

    public boolean capped() {
        return maxSize.toBytes() > 0;
    }
}
