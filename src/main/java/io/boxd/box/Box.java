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
        String unit,
        Limits limits,
        Limits enforced,
        Map<String, String> labels,
        Instant createdAt,
        Instant updatedAt) {

    /** {@code unit} is the systemd unit holding the box, or null for cgroupfs boxes. */
    static Box of(BoxRecord r, String unit) {
        return new Box(r.id, r.state, r.driver, r.cgroupPath, unit, r.limits, r.enforced, r.labelMap(), r.createdAt, r.updatedAt);
    }
}
