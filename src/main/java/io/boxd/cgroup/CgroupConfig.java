package io.boxd.cgroup;

import io.boxd.BoxdProperties;
import io.boxd.driver.ConditionalOnDriver;
import io.boxd.driver.DriverChoice;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Finds the cgroup v2 mount and builds the one {@link CgroupFs} rooted at it. */
@Configuration(proxyBeanMethods = false)
class CgroupConfig {

    @Bean
    CgroupFs cgroupFs(CgroupProperties props) {
        return new CgroupFs(CgroupMount.locate(props.mount(), Path.of("/proc/self/mountinfo")));
    }

    @Bean
    @ConditionalOnDriver("cgroupfs")
    CgroupfsDriver cgroupfsDriver(CgroupFs fs, CgroupProperties props, BoxdProperties boxd) {
        DriverChoice choice = DriverChoice.resolve(boxd.driver(), Path.of("/proc/1/comm"));
        return new CgroupfsDriver(fs, props, boxd.enforcement(), choice.reason(), boxd.dataDir());
    }
}
