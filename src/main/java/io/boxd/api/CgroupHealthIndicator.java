package io.boxd.api;

import io.boxd.driver.BoxDriver;
import io.boxd.driver.HostInfo;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** {@code /actuator/health} component {@code cgroup}: the mount, controllers, cgroup.kill and driver. */
@Component("cgroup")
class CgroupHealthIndicator extends AbstractHealthIndicator {

    private final BoxDriver driver;

    CgroupHealthIndicator(BoxDriver driver) {
        this.driver = driver;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        HostInfo h = driver.host();
        builder.up()
                .withDetail("driver", h.driver())
                .withDetail("driverReason", h.driverReason())
                .withDetail("mount", h.cgroupMount())
                .withDetail("base", h.cgroupBase())
                .withDetail("controllers", h.availableControllers())
                .withDetail("boxControllers", h.boxControllers())
                .withDetail("cgroupKill", h.cgroupKill())
                .withDetail("enforcement", h.enforcement());
    }
}
