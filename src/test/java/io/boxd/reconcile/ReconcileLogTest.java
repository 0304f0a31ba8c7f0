package io.boxd.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Migrations;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reports are kept as JSON, so a report written by an older boxd must still read back. */
class ReconcileLogTest {

    @Test
    void aReportFromBeforeForeignOrphansReadsBackWithNone() {
        JdbcClient jdbc = JdbcClient.create(Migrations.h2("jdbc:h2:mem:reconcile-log-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"));
        // As 1ca405d wrote it: no orphansForeign, no owner.
        String old = "{\"orphansReaped\":1,\"orphansAdopted\":0,\"lost\":0,\"repaired\":2,\"durationMillis\":5,"
                + "\"orphansReported\":0,\"busy\":0,\"trigger\":\"startup\",\"startedAt\":\"2026-11-23T10:00:00Z\","
                + "\"orphans\":[{\"path\":\"/sys/fs/cgroup/unified/boxlite/x\",\"pids\":[42],\"action\":\"reaped\"}]}";
        jdbc.sql("INSERT INTO reconcile_run (started_at, trigger_name, report) VALUES (?, ?, ?)")
                .params(Timestamp.from(Instant.parse("2026-11-23T10:00:00Z")), "startup", old).update();

        ReconcileReport r = new ReconcileLog(jdbc).latest().orElseThrow();

        assertThat(r.orphansReaped()).isEqualTo(1);
        assertThat(r.repaired()).isEqualTo(2);
        assertThat(r.orphansForeign()).isZero();
        assertThat(r.orphans()).containsExactly(new ReconcileReport.Orphan("/sys/fs/cgroup/unified/boxlite/x", List.of(42), "reaped", null));
    }
}
