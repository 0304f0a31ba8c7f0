package io.boxd.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Defaults applied to every new box ({@code boxd.limits.*}). A box that gives
 * {@code vmMemoryBytes} gets {@code memory.max = factor × vmMemoryBytes + overhead}.
 */
@ConfigurationProperties("boxd.limits")
public record LimitDefaults(
        @DefaultValue("1024") Long pidsMax,
        @DefaultValue("2") long vmMemoryFactor,
        @DefaultValue("536870912") long vmMemoryOverheadBytes) {
}
