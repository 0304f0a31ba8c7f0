package io.boxd.reconcile;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Every pass is kept in {@code reconcile_run}, so reaped orphans (paths and pids) stay on record. */
@Component
class ReconcileLog {

    /** A report an older boxd wrote lacks the newer counters: those read as 0. */
    private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    private final JdbcClient jdbc;

    ReconcileLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void save(ReconcileReport r) {
        jdbc.sql("INSERT INTO reconcile_run (started_at, trigger_name, report) VALUES (?, ?, ?)")
                .params(java.sql.Timestamp.from(r.startedAt()), r.trigger(), JSON.writeValueAsString(r))
                .update();
    }

    Optional<ReconcileReport> latest() {
        return jdbc.sql("SELECT report FROM reconcile_run ORDER BY id DESC LIMIT 1").query(String.class).optional()
                .map(s -> JSON.readValue(s, ReconcileReport.class));
    }
}
