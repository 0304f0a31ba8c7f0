package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.boxd.testkit.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On real H2 files with boxd's URL settings and schema, in boxd's commit pattern: six commits per
 * lifecycle, each written before it returns. H2's retention time is cut to 0 here, so that a test
 * of seconds sees what weeks of use see with the default 45 s (README, PostgreSQL, for a measure
 * on the default).
 */
class H2HousekeepingTest {

    @TempDir
    Path dir;

    @Test
    void fileStaysNearItsDataWhereWithoutHousekeepingItGrowsWithEveryLifecycle() throws Exception {
        long without = after3000Lifecycles(dir.resolve("without"), Mode.NONE);
        long inline = after3000Lifecycles(dir.resolve("inline"), Mode.EVERY_100_LIFECYCLES);
        long timer = after3000Lifecycles(dir.resolve("timer"), Mode.TIMER);
        System.out.printf("H2HousekeepingTest: after 3,000 lifecycles %d bytes without housekeeping, %d with a pass every 100, %d on a 20 ms timer%n",
                without, inline, timer);
        assertThat(without).as("file without housekeeping").isGreaterThan(40L << 20);
        assertThat(inline).as("file with a pass every 100 lifecycles, against %d bytes without", without).isLessThan(without / 4);
        assertThat(timer).as("file with passes on a timer, against %d bytes without", without).isLessThan(without / 4);
        try (HikariDataSource ds = h2(dir.resolve("timer"), 0)) {
            assertThat(count(ds, "SELECT COUNT(*) FROM box WHERE state = 'REMOVED'")).isEqualTo(3000);
            assertThat(count(ds, "SELECT COUNT(*) FROM box_event")).isEqualTo(4 * 3000);
            lifecycles(ds, 3000, 10, null);
            assertThat(count(ds, "SELECT COUNT(*) FROM box")).isEqualTo(3010);
        }
    }

    private enum Mode { NONE, EVERY_100_LIFECYCLES, TIMER }

    /** The file's size after 3,000 lifecycles, read while the database is open: H2 compacts for a moment when it closes. */
    private static long after3000Lifecycles(Path db, Mode mode) throws Exception {
        try (HikariDataSource ds = h2(db, 0)) {
            H2Housekeeping housekeeping = new H2Housekeeping(ds, new H2Properties(Duration.ofMillis(mode == Mode.TIMER ? 20 : 0)));
            housekeeping.start();
            assertThat(housekeeping.isRunning()).isEqualTo(mode == Mode.TIMER);
            try {
                lifecycles(ds, 0, 3000, mode == Mode.EVERY_100_LIFECYCLES ? housekeeping : null);
                return fileSize(db);
            } finally {
                housekeeping.stop();
                assertThat(housekeeping.isRunning()).isFalse();
            }
        }
    }

    @Test
    void aDatabaseH2ClosedIsAFailureToTryAgainNotAReasonToStop() throws Exception {
        Path db = dir.resolve("closed");
        String url;
        try (HikariDataSource ds = h2(db, 0)) {
            lifecycles(ds, 0, 10, null);
            url = ds.getJdbcUrl();
        }
        Connection held = DriverManager.getConnection(url, "sa", "");
        try {
            try (Connection other = DriverManager.getConnection(url, "sa", ""); Statement s = other.createStatement()) {
                s.execute("SHUTDOWN"); // as H2 closes the database after a failed write (a full disk)
            } catch (SQLException closedUnderIt) {
                // H2 may report its own shutdown on the connection that asked for it
            }
            // a connection to the closed database, as a pool can hand out before it tests one
            H2Housekeeping housekeeping = new H2Housekeeping(new SingleConnectionDataSource(held, true),
                    new H2Properties(Duration.ofMillis(20)));
            assertThatThrownBy(housekeeping::compactOnce).isInstanceOf(SQLException.class);
            housekeeping.start();
            try {
                Thread.sleep(300);
                assertThat(housekeeping.isRunning()).as("housekeeping after passes on a closed database").isTrue();
            } finally {
                housekeeping.stop();
            }
        } finally {
            try {
                held.close();
            } catch (SQLException alreadyClosed) {
                // closed with its database
            }
        }
        try (HikariDataSource ds = h2(db, 0)) {
            assertThat(new H2Housekeeping(ds, new H2Properties(Duration.ZERO)).compactOnce()).as("a pass once it is open again").isPositive();
        }
    }

    @Test
    void leavesAnInMemoryDatabaseAlone() throws Exception {
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl("jdbc:h2:mem:housekeeping-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
            assertThat(new H2Housekeeping(ds, new H2Properties(Duration.ZERO)).compactOnce()).isEqualTo(-1);
        }
    }

    @Test
    void neverStartsOnAPoolThatIsNotH2() {
        try (HikariDataSource ds = new HikariDataSource()) {
            // nothing listens there: a pass would wait for a connection and then fail
            ds.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/boxd");
            H2Housekeeping housekeeping = new H2Housekeeping(ds, new H2Properties(Duration.ofMillis(20)));
            housekeeping.start();
            assertThat(housekeeping.isRunning()).isFalse();
        }
    }

    @Test
    void offWhenTheIntervalIsZero() throws Exception {
        try (HikariDataSource ds = h2(dir.resolve("off"), 0)) {
            H2Housekeeping housekeeping = new H2Housekeeping(ds, new H2Properties(Duration.ZERO));
            housekeeping.start();
            assertThat(housekeeping.isRunning()).isFalse();
        }
    }

    private static HikariDataSource h2(Path dir, int retentionMillis) throws Exception {
        Files.createDirectories(dir);
        HikariDataSource ds = new HikariDataSource();
        // boxd's own URL settings (application.yml), with a retention time a test can wait out
        ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("boxd") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;RETENTION_TIME=" + retentionMillis);
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setMaximumPoolSize(2);
        Migrations.migrate(ds, null);
        return ds;
    }

    /** boxd's commits per lifecycle: create (CREATING, CREATED), spawn, kill, delete (REMOVING, REMOVED). */
    private static void lifecycles(HikariDataSource ds, int first, int n, H2Housekeeping housekeeping) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            PreparedStatement insert = c.prepareStatement("INSERT INTO box (id, version, state, driver, cgroup_path, limits, enforced, created_at, updated_at)"
                    + " VALUES (?, 0, 'CREATING', 'cgroupfs', ?, ?, ?, ?, ?)");
            PreparedStatement update = c.prepareStatement("UPDATE box SET version = version + 1, state = ?, updated_at = ? WHERE id = ?");
            PreparedStatement event = c.prepareStatement("INSERT INTO box_event (box_id, type, occurred_at, detail, actor) VALUES (?, ?, ?, ?, 'boxd')");
            String limits = "{\"pidsMax\":1024,\"memoryMaxBytes\":536870912}";
            for (int i = first; i < first + n; i++) {
                String id = "box-" + Integer.toHexString(i * 0x9E3779B1); // scattered over the key space, as random ids are
                Timestamp now = new Timestamp(System.currentTimeMillis());
                insert.setString(1, id);
                insert.setString(2, "/sys/fs/cgroup/boxlite/" + id);
                insert.setString(3, limits);
                insert.setString(4, limits);
                insert.setTimestamp(5, now);
                insert.setTimestamp(6, now);
                insert.executeUpdate();
                c.commit();
                for (String state : new String[] {"CREATED", "RUNNING", "STOPPED", "REMOVING", "REMOVED"}) {
                    update.setString(1, state);
                    update.setTimestamp(2, now);
                    update.setString(3, id);
                    update.executeUpdate();
                    if (!state.equals("REMOVING")) {
                        event.setString(1, id);
                        event.setString(2, state.toLowerCase());
                        event.setTimestamp(3, now);
                        event.setString(4, "pid 12345 argv [sleep, 300] as uid 65534 gid 65534 in " + id);
                        event.executeUpdate();
                    }
                    c.commit();
                }
                if (housekeeping != null && i % 100 == 99) {
                    assertThat(housekeeping.compactOnce()).isPositive();
                }
            }
        }
    }

    private static long count(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static long fileSize(Path dir) throws Exception {
        return Files.size(dir.resolve("boxd.mv.db"));
    }
}
