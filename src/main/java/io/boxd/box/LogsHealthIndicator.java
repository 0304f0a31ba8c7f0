package io.boxd.box;

import io.boxd.BoxdProperties;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code logs}, in readiness: a spawn makes its box's log under
 * {@code <data-dir>/logs} the first time, so while boxd cannot create files there (a read-only
 * mount, an immutable directory) no new box can start a process, and boxd is not ready. A
 * directory that is gone counts by its parent, since a spawn makes it again.
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
        String problem = problem(logs);
        (problem == null ? builder.up() : builder.down()).withDetail("path", logs.toString()).withDetail("writable", problem == null);
        if (problem != null) {
            builder.withDetail("error", problem);
        }
    }

    /** Why boxd cannot make a box's log under {@code logs}, or null when it can. */
    static String problem(Path logs) {
        Path where = logs;
        if (!Files.isDirectory(logs)) {
            if (Files.exists(logs, LinkOption.NOFOLLOW_LINKS)) {
                return logs + " is not a directory: no box's log can be made in it";
            }
            where = logs.getParent();
        }
        // access(2) as boxd: EROFS and an immutable directory say no even to root; a file needs w and x.
        if (where == null || !Files.isWritable(where) || !Files.isExecutable(where)) {
            return "boxd cannot create files in " + where + ": a box that has no log yet cannot start a process";
        }
        return null;
    }
}
