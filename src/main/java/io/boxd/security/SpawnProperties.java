package io.boxd.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code boxd.spawn.*}: the uid and gid a spawned process runs as when the request names none
 * (65534, nobody/nogroup), and the other uids/gids a request may name, as ids and ranges
 * ({@code 1000}, {@code 100000-165535}). Supplementary groups are always cleared. Root (0) is never
 * allowed unless listed.
 */
@ConfigurationProperties("boxd.spawn")
public record SpawnProperties(
        @DefaultValue("65534") int uid,
        @DefaultValue("65534") int gid,
        List<IdRange> allowedUids,
        List<IdRange> allowedGids) {

    public SpawnProperties {
        allowedUids = allowedUids == null ? List.of() : List.copyOf(allowedUids);
        allowedGids = allowedGids == null ? List.of() : List.copyOf(allowedGids);
    }

    public boolean allowsUid(int id) {
        return allowedUids.stream().anyMatch(r -> r.contains(id));
    }

    public boolean allowsGid(int id) {
        return allowedGids.stream().anyMatch(r -> r.contains(id));
    }
}
