package io.boxd.box;

import io.boxd.BoxdProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code logs}, in readiness: every spawn opens its box's log
 * under {@code <data-dir>/logs}, so while boxd cannot write there (a read-only mount, an immutable
 * directory) no process can start, and boxd is not ready. A directory that is gone counts by its
 * parent, since a spawn makes it again.
 */
@Component("logs")
class LogsHealthIndicator extends AbstractHealthIndicator {

    private final Path logs;

    LogsHealthIndicator(BoxdProperties props) {
        super("logs health check failed");
        this.logs = props.logDir();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Path where = Files.isDirectory(logs) ? logs : logs.getParent();
        // access(2) as boxd: EROFS and an immutable directory say no even to root.
        boolean writable = where != null && Files.isWritable(where);
        (writable ? builder.up() : builder.down()).withDetail("path", logs.toString()).withDetail("writable", writable);
        if (!writable) {
            builder.withDetail("error", "boxd cannot write " + where + ": no process can start until it can");
        }
    }
}
