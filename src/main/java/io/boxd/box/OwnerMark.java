package io.boxd.box;

import io.boxd.driver.BoxDriver;
import io.boxd.driver.DriverException;
import io.boxd.driver.NoSuchCgroupException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * This database's id, and the mark that carries it on each box's cgroup. Reconciliation takes
 * everything under the base without a record for an orphan, so a boxd started on another data
 * dir (a mistyped one did it by hand: 4729 boxes reaped) took every box in the tree for its own
 * orphans. The mark tells them apart: a cgroup marked by another database is that database's box,
 * which reconciliation leaves alone. The id lives in the database, not the data dir, so boxds
 * that share a PostgreSQL database share it, and a restored database keeps it.
 */
@Component
public class OwnerMark {

    private static final Logger log = LoggerFactory.getLogger(OwnerMark.class);

    private final BoxDriver driver;
    private final String id;
    private final AtomicBoolean warned = new AtomicBoolean();

    OwnerMark(JdbcClient jdbc, BoxDriver driver) {
        this.driver = driver;
        this.id = loadOrMake(jdbc);
    }

    private static String loadOrMake(JdbcClient jdbc) {
        Optional<String> held = load(jdbc);
        if (held.isPresent()) {
            return held.get();
        }
        String made = UUID.randomUUID().toString();
        try {
            jdbc.sql("INSERT INTO boxd_owner (singleton, id, created_at) VALUES (1, ?, ?)")
                    .params(made, Timestamp.from(Instant.now())).update();
            return made;
        } catch (DuplicateKeyException e) {
            // another boxd on the same database made it first
            return load(jdbc).orElseThrow(() -> e);
        }
    }

    private static Optional<String> load(JdbcClient jdbc) {
        return jdbc.sql("SELECT id FROM boxd_owner WHERE singleton = 1").query(String.class).optional();
    }

    /** This database's id: what {@link #mark} writes. */
    public String id() {
        return id;
    }

    /**
     * Marks a box this boxd made or adopted. Not a limit, so a kernel that keeps no mark (user
     * xattrs on cgroupfs came in Linux 5.7) fails nothing; it is said once, at WARN.
     */
    public void mark(String boxId) {
        try {
            driver.mark(boxId, id);
        } catch (NoSuchCgroupException e) {
            log.debug("box {} has no cgroup to mark", boxId);
        } catch (DriverException e) {
            if (warned.compareAndSet(false, true)) {
                log.warn("cannot mark box cgroups with this database's id ({}), so reconciliation cannot tell another "
                        + "boxd's boxes from orphans of this one: {}", id, e.getMessage());
            } else {
                log.debug("cannot mark box {}: {}", boxId, e.getMessage());
            }
        }
    }
}
