package io.boxd.systemd;

import io.boxd.BoxdProperties;
import io.boxd.cgroup.CgroupFs;
import io.boxd.cgroup.CgroupProperties;
import io.boxd.driver.ConditionalOnDriver;
import io.boxd.driver.DriverChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With {@code boxd.driver} resolved to systemd: the bus to the right manager, and the driver on it. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnDriver("systemd")
class SystemdConfig {

    @Bean
    SystemdBus systemdBus(SystemdProperties props) {
        return new SystemdBus(BusLocation.resolve(props.busAddress(), currentUid(), System.getenv("XDG_RUNTIME_DIR")),
                props.jobTimeout());
    }

    @Bean
    SystemdDriver systemdDriver(SystemdBus bus, CgroupFs fs, CgroupProperties cgroup, BoxdProperties boxd) {
        DriverChoice choice = DriverChoice.resolve(boxd.driver(), Path.of("/proc/1/comm"));
        return new SystemdDriver(bus, fs, cgroup.base(), boxd.enforcement(), choice.reason(), cgroup.killTimeout());
    }

    /** /proc/self belongs to the effective uid of this process. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot tell which user boxd runs as (/proc/self): " + e.getMessage(), e);
        }
    }
}
