package io.boxd.box;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code boxd.h2.*}: how often boxd compacts its embedded H2 file ({@code housekeeping-interval};
 * {@code 0} turns it off). Ignored when the records live in PostgreSQL.
 */
@ConfigurationProperties("boxd.h2")
public record H2Properties(@DefaultValue("1s") Duration housekeepingInterval) {

    public H2Properties {
        if (housekeepingInterval.isNegative()) {
            throw new IllegalArgumentException("boxd.h2.housekeeping-interval must be 0 (off) or more, not " + housekeepingInterval);
        }
    }

    public boolean housekeeping() {
        return !housekeepingInterval.isZero();
    }
}
