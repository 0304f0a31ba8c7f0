package io.boxd.cgroup;

import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code boxd.cgroup.*}: where boxes live ({@code <mount>/<base>/<id>}; the mount is found in
 * {@code /proc/self/mountinfo} when empty), which controllers to enable for every box where
 * available, the bounds on waiting for the kernel, and whether processes are forked by the perl
 * spawn server ({@code spawn-server}, the default, used when {@code /usr/bin/perl} works) or each
 * through a {@code /bin/sh} wrapper.
 */
@ConfigurationProperties("boxd.cgroup")
public record CgroupProperties(
        String mount,
        @DefaultValue("boxlite") String base,
        @DefaultValue({"cpu", "memory", "pids"}) Set<String> controllers,
        @DefaultValue("5s") Duration killTimeout,
        @DefaultValue("5s") Duration removeTimeout,
        @DefaultValue("10s") Duration attachTimeout,
        @DefaultValue("true") boolean spawnServer) {
}
