package io.boxd.cgroup;

import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code boxd.cgroup.*}: where boxes live ({@code <mount>/<base>/<id>}; the mount is found in
 * {@code /proc/self/mountinfo} when empty), which controllers to enable for every box where
 * available, and the bounds on waiting for the kernel.
 */
@ConfigurationProperties("boxd.cgroup")
public record CgroupProperties(
        String mount,
        @DefaultValue("boxlite") String base,
        @DefaultValue({"cpu", "memory", "pids"}) Set<String> controllers,
        @DefaultValue("5s") Duration killTimeout,
        @DefaultValue("5s") Duration removeTimeout,
        @DefaultValue("10s") Duration attachTimeout) {
}
