package io.boxd.driver;

import io.boxd.limits.Limits;

/** A box's cgroup as made: where it is, and the limits the kernel reports back. */
public record Placement(String cgroupPath, Limits enforced) {
}
