package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Migrations;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** H2's identity counters after a kill -9 lost their last reservation: below ids already in the table. */
class H2IdentityRealignTest {

    @Test
    void aCounterBelowTheTablesIdsStartsAboveThem() throws Exception {
        JdbcDataSource ds = migrated();
        JdbcClient jdbc = JdbcClient.create(ds);
        // Explicit ids leave H2's counter where it was (at 1), as the lost reservation did.
        for (long id = 1; id <= 40; id++) {
            event(jdbc, id);
        }
        jdbc.sql("INSERT INTO reconcile_run (id, started_at, trigger_name, report) VALUES (7, ?, 'startup', '{}')")
                .param(Timestamp.from(Instant.now())).update();

        try (Connection c = ds.getConnection()) {
            assertThat(H2IdentityRealign.realign(c)).isEqualTo(Map.of("box_event", 41L, "reconcile_run", 8L));
        }
        event(jdbc, null);
        assertThat(jdbc.sql("SELECT MAX(id) FROM box_event").query(Long.class).single()).isEqualTo(41L);
        try (Connection c = ds.getConnection()) {
            assertThat(H2IdentityRealign.realign(c)).as("a second start").isEmpty();
        }
    }

    @Test
    void aCounterAboveTheTablesIdsIsLeftAsItIs() throws Exception {
        JdbcDataSource ds = migrated();
        JdbcClient jdbc = JdbcClient.create(ds);
        for (int i = 0; i < 3; i++) {
            event(jdbc, null);
        }
        try (Connection c = ds.getConnection()) {
            assertThat(H2IdentityRealign.realign(c)).isEmpty();
        }
        event(jdbc, null);
        assertThat(jdbc.sql("SELECT id FROM box_event ORDER BY id").query(Long.class).list()).containsExactly(1L, 2L, 3L, 4L);
    }

    private static JdbcDataSource migrated() {
        return Migrations.h2("jdbc:h2:mem:identity-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    }

    private static void event(JdbcClient jdbc, Long id) {
        Timestamp now = Timestamp.from(Instant.now());
        if (id == null) {
            jdbc.sql("INSERT INTO box_event (box_id, type, occurred_at) VALUES ('b', 'created', ?)").param(now).update();
        } else {
            jdbc.sql("INSERT INTO box_event (id, box_id, type, occurred_at) VALUES (?, 'b', 'created', ?)").params(id, now).update();
        }
    }
}
