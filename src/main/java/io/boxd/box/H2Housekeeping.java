package io.boxd.box;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Compacts the embedded H2 file while boxd runs. boxd writes every commit before it answers
 * ({@code WRITE_DELAY=0}), and in that mode H2 starts no background writer, which is also what
 * compacts: each commit appends a chunk, and a chunk that keeps one live page is never reused, so
 * the file grew with every lifecycle, without end. Each pass does the first half of what that
 * writer would: rewrite the live pages of sparse chunks, whose space H2 then reuses once its
 * retention time has passed. The other half, moving chunks to cut the file, is left out: it
 * failed an assertion of H2's and closed the database in a test (README, PostgreSQL).
 */
@Component
class H2Housekeeping implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(H2Housekeeping.class);

    /** Chunks this full are left alone (H2's own auto-compact fill rate). */
    static final int FILL_TARGET = 90;
    /** At most this much is rewritten per pass, so that a commit waits on H2's store lock briefly. */
    static final int STEP_BYTES = 16 << 20;

    private final DataSource dataSource;
    private final H2Properties props;
    private volatile ScheduledExecutorService timer;
    private volatile String lastFailure;

    H2Housekeeping(DataSource dataSource, H2Properties props) {
        this.dataSource = dataSource;
        this.props = props;
    }

    /**
     * One pass. Returns the file's size in bytes after it, or -1 when the records are not in an
     * embedded H2 file (PostgreSQL, an in-memory H2, a server connection).
     */
    long compactOnce() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            MVStore mv = fileStore(c);
            if (mv == null) {
                return -1;
            }
            mv.compact(FILL_TARGET, STEP_BYTES);
            return mv.getFileStore().size();
        }
    }

    /**
     * The MVStore behind an embedded, writable H2 file database, or null when there is none. A
     * store that H2 closed (after a failed write: a full disk) is an error, not "none": H2 opens
     * the database again once a connection can, and housekeeping must go on then.
     */
    static MVStore fileStore(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)
                || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return null;
        }
        Store store = session.getDatabase().getStore();
        MVStore mv = store == null ? null : store.getMvStore();
        FileStore<?> file = mv == null ? null : mv.getFileStore();
        if (file == null || file.getFileName() == null || mv.isReadOnly()) {
            return null;
        }
        if (mv.isClosed()) {
            throw new SQLException("the H2 database " + file.getFileName() + " is closed", "08003");
        }
        return mv;
    }

    private void tick() {
        try {
            long size = compactOnce();
            lastFailure = null;
            ScheduledExecutorService t = timer;
            if (size < 0 && t != null) {
                log.info("the records are not in an embedded H2 file: no H2 housekeeping");
                timer = null;
                t.shutdown(); // from its own thread: no waiting for itself
            }
        } catch (SQLException | RuntimeException e) {
            // Once per kind of failure, not every tick: a database closed by a full disk fails
            // every tick until it is opened again.
            String reason = DatabaseFailures.reason(e);
            if (!Objects.equals(reason, lastFailure)) {
                log.warn("H2 housekeeping failed: {}", reason);
            }
            lastFailure = reason;
        }
    }

    @Override
    public void start() {
        if (!props.housekeeping()) {
            log.info("H2 housekeeping is off (boxd.h2.housekeeping-interval=0)");
            return;
        }
        // Known before any connection: on PostgreSQL a pass would only wait for a connection
        // while the server is down, and log "H2 housekeeping failed" on a host without H2.
        if (dataSource instanceof HikariDataSource pool && pool.getJdbcUrl() != null && !PersistenceConfig.isH2(pool)) {
            log.debug("the records are not in H2: no H2 housekeeping");
            return;
        }
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "boxd-h2-housekeeping");
            th.setDaemon(true);
            return th;
        });
        long every = props.housekeepingInterval().toNanos();
        t.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.NANOSECONDS);
        timer = t;
    }

    /**
     * Lets a pass in progress finish: an interrupt during H2's file I/O closes its channel, and
     * H2 then closes the database under every connection.
     */
    @Override
    public void stop() {
        ScheduledExecutorService t = timer;
        timer = null;
        if (t != null) {
            t.shutdown();
            try {
                if (!t.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("an H2 housekeeping pass still runs after 10 s; boxd stops without waiting for it");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
