package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The meters against a real (in-memory) H2 and real transactions: an event counts when its
 * transaction commits and never when it rolls back, and the boxes gauge reads the records, one
 * query per scrape.
 */
class BoxMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicLong now = new AtomicLong();
    final AtomicInteger queries = new AtomicInteger();
    JdbcTemplate jdbc;
    TransactionTemplate tx;
    BoxMetrics metrics;

    @BeforeEach
    void database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:metrics-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(ds) {
            @Override
            public void query(String sql, org.springframework.jdbc.core.RowCallbackHandler rch) {
                queries.incrementAndGet();
                super.query(sql, rch);
            }
        };
        jdbc.execute("CREATE TABLE box (id VARCHAR(64) PRIMARY KEY, state VARCHAR(16) NOT NULL)");
        jdbc.execute("CREATE TABLE box_event (type VARCHAR(32))");
        tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        metrics = new BoxMetrics(registry, jdbc, now::get);
    }

    @Test
    void anEventCountsWhenItsTransactionCommits() {
        tx.executeWithoutResult(s -> {
            record("created");
            assertThat(events("created")).as("inside the transaction").isZero();
        });
        assertThat(events("created")).isEqualTo(1);
    }

    @Test
    void aRolledBackEventIsNeverCounted() {
        tx.executeWithoutResult(s -> {
            record("created");
            record("process-started");
            s.setRollbackOnly();
        });
        try {
            tx.executeWithoutResult(s -> {
                record("killed");
                throw new IllegalStateException("the save after the insert failed");
            });
        } catch (IllegalStateException expected) {
            // as BoxService's saveWith sees it
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM box_event", Long.class)).as("nothing in the history").isZero();
        assertThat(events("created")).isZero();
        assertThat(events("process-started")).isZero();
        assertThat(events("killed")).isZero();
    }

    @Test
    void anEventOutsideATransactionCountsAtOnce() {
        record("exited");
        record("exited");
        assertThat(events("exited")).isEqualTo(2);
    }

    @Test
    void boxesAreCountedByStateFromTheRecordsOneQueryPerScrape() {
        jdbc.update("INSERT INTO box VALUES ('a', 'RUNNING'), ('b', 'RUNNING'), ('c', 'REMOVED')");
        assertThat(boxes(BoxState.RUNNING)).isEqualTo(2);
        assertThat(boxes(BoxState.REMOVED)).isEqualTo(1);
        assertThat(boxes(BoxState.CREATED)).as("a state no record is in").isZero();
        assertThat(queries).as("one scrape reads every state's gauge").hasValue(1);

        jdbc.update("UPDATE box SET state = 'REMOVED' WHERE id = 'a'");
        now.addAndGet(BoxMetrics.FRESH_NANOS + 1);
        assertThat(boxes(BoxState.RUNNING)).isEqualTo(1);
        assertThat(boxes(BoxState.REMOVED)).isEqualTo(2);
        assertThat(queries).hasValue(2);
    }

    @Test
    void boxesAreNotANumberWhileTheDatabaseDoesNotAnswer() {
        jdbc.execute("DROP TABLE box");
        assertThat(boxes(BoxState.RUNNING)).isNaN();
        jdbc.execute("CREATE TABLE box (id VARCHAR(64) PRIMARY KEY, state VARCHAR(16) NOT NULL)");
        jdbc.update("INSERT INTO box VALUES ('a', 'RUNNING')");
        assertThat(boxes(BoxState.RUNNING)).as("a failed read is not remembered").isEqualTo(1);
    }

    /** As BoxHistory.add does: the row, then the count. */
    private void record(String type) {
        jdbc.update("INSERT INTO box_event (type) VALUES (?)", type);
        metrics.recorded(type);
    }

    private double events(String type) {
        var c = registry.find(BoxMetrics.EVENTS).tag("type", type).counter();
        return c == null ? 0 : c.count();
    }

    private double boxes(BoxState state) {
        return registry.get(BoxMetrics.BOXES).tag("state", state.name()).gauge().value();
    }
}
