package io.boxd.box;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@link BoxSaves} fragment: insert through Spring Data, update with one optimistic UPDATE. */
class BoxSavesImpl implements BoxSaves {

    private final JdbcAggregateTemplate aggregates;
    private final JdbcClient jdbc;

    BoxSavesImpl(JdbcAggregateTemplate aggregates, JdbcClient jdbc) {
        this.aggregates = aggregates;
        this.jdbc = jdbc;
    }

    @Override
    public <S extends BoxRecord> S save(S rec) {
        if (rec.version == null) {
            return aggregates.insert(rec);
        }
        int n = jdbc.sql("UPDATE box SET version = :next, state = :state, driver = :driver, cgroup_path = :path, "
                        + "limits = :limits, enforced = :enforced, counters = :counters, updated_at = :updated "
                        + "WHERE id = :id AND version = :version")
                .param("next", rec.version + 1)
                .param("state", rec.state.name())
                .param("driver", rec.driver)
                .param("path", rec.cgroupPath)
                .param("limits", PersistenceConfig.json(rec.limits))
                .param("enforced", PersistenceConfig.json(rec.enforced))
                .param("counters", rec.counters)
                .param("updated", java.sql.Timestamp.from(rec.updatedAt))
                .param("id", rec.id)
                .param("version", rec.version)
                .update();
        if (n != 1) {
            throw new OptimisticLockingFailureException("box '" + rec.id + "' changed since version " + rec.version);
        }
        rec.version = rec.version + 1;
        return rec;
    }
}
