package io.boxd.box;

import io.boxd.limits.Limits;
import java.time.Instant;
import java.util.Map;

/** A box as the API shows it: requested {@code limits} beside the {@code enforced} read-back. */
public record Box(
        String id,
        BoxState state,
        String driver,
        String cgroupPath,
        Limits limits,
        Limits enforced,
        Map<String, String> labels,
        Instant createdAt,
        Instant updatedAt) {

    static Box of(BoxRecord r) {
        return new Box(r.id, r.state, r.driver, r.cgroupPath, r.limits, r.enforced, r.labelMap(), r.createdAt, r.updatedAt);
    }
}
