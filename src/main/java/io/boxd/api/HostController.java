package io.boxd.api;

import io.boxd.driver.BoxDriver;
import io.boxd.driver.HostInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "host")
class HostController {

    private final BoxDriver driver;

    HostController(BoxDriver driver) {
        this.driver = driver;
    }

    @GetMapping(path = "/v1/host", produces = "application/json")
    @Operation(summary = "The cgroup mount and base, controllers, cgroup.kill, enforcement mode and driver")
    HostInfo host() {
        return driver.host();
    }
}
