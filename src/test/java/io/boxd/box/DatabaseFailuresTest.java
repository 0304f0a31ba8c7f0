package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseFailuresTest {

    /** What H2 2.4 threw when boxd's disk filled (from a real run): the write, then the closed database. */
    static final IOException ENOSPC = new IOException("No space left on device");
    static final SQLException H2_WRITE = new SQLException("General error: \"org.h2.mvstore.MVStoreException: Writing to "
            + "sun.nio.ch.FileChannelImpl@76001335 failed; length 8192 at 200704 [2.4.240/2]\" [50000-240]", "HY000", 50000,
            new RuntimeException("Writing to sun.nio.ch.FileChannelImpl@76001335 failed", ENOSPC));
    static final SQLException H2_CLOSED = new SQLNonTransientConnectionException("The database has been closed [90098-240]", "90098", 90098);

    static Stream<Arguments> failures() {
        return Stream.of(
                // exception, unavailable (503), connection dead (evicted), reason
                Arguments.of(new TransactionSystemException("JDBC commit failed", H2_WRITE), true, true, "No space left on device"),
                Arguments.of(rollbackFailedAfter(new TransactionSystemException("JDBC commit failed", H2_WRITE)),
                        true, false, "No space left on device"),
                Arguments.of(new DataAccessResourceFailureException("JDBC rollback; The database has been closed [90098-240]", H2_CLOSED),
                        true, true, "The database has been closed [90098-240]"),
                Arguments.of(new UncategorizedSQLException("insert", "INSERT", H2_WRITE), true, true, "No space left on device"),
                Arguments.of(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                        new SQLException("Connection to 127.0.0.1:5432 refused.", "08001")), true, false, "Connection to 127.0.0.1:5432 refused."),
                Arguments.of(new UncategorizedSQLException("x", "SELECT 1", new SQLException("terminating connection", "08006")),
                        true, false, "terminating connection"),
                Arguments.of(new DataIntegrityViolationException("duplicate",
                        new SQLIntegrityConstraintViolationException("Unique index or primary key violation", "23505", 23505)),
                        false, false, "Unique index or primary key violation"),
                Arguments.of(new OptimisticLockingFailureException("stale version"), false, false, "stale version"),
                Arguments.of(new IllegalStateException("a bug\nwith a second line"), false, false, "a bug"),
                // A cgroup file that could not be read is the kernel's failure, not the database's.
                Arguments.of(new io.boxd.driver.DriverException("read /sys/fs/cgroup/boxlite/b/cgroup.events: No such device",
                        new IOException("No such device")), false, false, "No such device"));
    }

    /** As Spring's TransactionTemplate throws it when the rollback fails too: the rollback's error, the work's aside. */
    static TransactionSystemException rollbackFailedAfter(RuntimeException work) {
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        rollback.initApplicationException(work);
        return rollback;
    }

    @ParameterizedTest
    @MethodSource("failures")
    void tellsAnUnusableDatabaseFromABug(Exception e, boolean unavailable, boolean dead, String reason) {
        assertThat(DatabaseFailures.unavailable(e)).as("unavailable: %s", e).isEqualTo(unavailable);
        assertThat(DatabaseFailures.reason(e)).isEqualTo(reason);
        if (e.getCause() instanceof SQLException sql) {
            assertThat(DatabaseFailures.connectionIsDead(sql)).as("dead: %s", sql).isEqualTo(dead);
            assertThat(new DeadConnectionEviction().adjudicate(sql).name()).isEqualTo(dead ? "MUST_EVICT" : "CONTINUE_EVICT");
        }
    }
}
