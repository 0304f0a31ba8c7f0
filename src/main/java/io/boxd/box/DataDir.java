package io.boxd.box;

import io.boxd.BoxdProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code boxd.data-dir} and its {@code logs/}, closed to "other" before any box runs. Boxes run as
 * users that are neither boxd's user nor its group (65534 by default), so without this a box could
 * read every other box's log and the H2 file with every record. Group bits are left alone: the
 * container image shares the directory with gid 0 on purpose. A directory boxd cannot change is
 * a warning, not a failed start: the directory is the operator's.
 */
@Component
class DataDir {

    private static final Logger log = LoggerFactory.getLogger(DataDir.class);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path logs;

    DataDir(BoxdProperties props) {
        this.logs = props.logDir();
        close(props.dataDir());
        close(logs);
    }

    Path logFile(String id) {
        return logs.resolve(id + ".log");
    }

    /** {@code mode} without the bits for others; the same set when there are none. */
    static Set<PosixFilePermission> closedToOthers(Set<PosixFilePermission> mode) {
        Set<PosixFilePermission> closed = EnumSet.noneOf(PosixFilePermission.class);
        closed.addAll(mode);
        closed.removeAll(OTHERS);
        return closed;
    }

    private static void close(Path dir) {
        Set<PosixFilePermission> mode;
        try {
            Files.createDirectories(dir);
            mode = Files.getPosixFilePermissions(dir);
        } catch (IOException | UnsupportedOperationException e) {
            // Spawning creates what it needs and names the path if it cannot.
            log.warn("cannot prepare {} ({}); box logs may be readable by other boxes", dir, e.toString());
            return;
        }
        Set<PosixFilePermission> closed = closedToOthers(mode);
        if (closed.equals(mode)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(dir, closed);
            log.info("closed {} to other users ({} -> {}): boxes run as other users and must not read it",
                    dir, PosixFilePermissions.toString(mode), PosixFilePermissions.toString(closed));
        } catch (IOException e) {
            log.warn("{} is {} and boxd cannot change it ({}): a box can read other boxes' logs and the records in it; "
                    + "make it o-rwx", dir, PosixFilePermissions.toString(mode), e.toString());
        }
    }
}
