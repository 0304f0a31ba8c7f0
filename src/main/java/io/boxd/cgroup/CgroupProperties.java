package io.boxd.cgroup;

import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code boxd.cgroup.*}: where boxes live ({@code <mount>/<base>/<id>}; the mount is found in
 * {@code /proc/self/mountinfo} when empty), which controllers to enable for every box where
 * available, the bounds on waiting for the kernel, and whether processes are forked by spawn
 * servers ({@code spawn-server}, the default) or each through a {@code /bin/sh} wrapper. The spawn
 * server is the native one when boxd was built with it and {@code native-spawn-server} is on (the
 * default), else the perl one where {@code /usr/bin/perl} works.
 */
@ConfigurationProperties("boxd.cgroup")
public record CgroupProperties(
        String mount,
        @DefaultValue("boxlite") String base,
        @DefaultValue({"cpu", "memory", "pids"}) Set<String> controllers,
        @DefaultValue("5s") Duration killTimeout,
        @DefaultValue("5s") Duration removeTimeout,
        @DefaultValue("10s") Duration attachTimeout,
        @DefaultValue("true") boolean spawnServer,
        @DefaultValue("true") boolean nativeSpawnServer) {
}
