package io.boxd.box;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@link BoxSaves} fragment: plain JDBC with one statement per row. */
class BoxSavesImpl implements BoxSaves {

    /** Every column of a box row, as {@link #row} reads them. */
    static final String ROW_COLUMNS = "b.id, b.version, b.state, b.driver, b.cgroup_path, b.limits, b.enforced, "
            + "b.counters, b.created_at, b.updated_at";

    private static final String SELECT = "SELECT " + ROW_COLUMNS + ", l.label_key, l.label_value "
            + "FROM box b LEFT JOIN box_label l ON l.box_id = b.id WHERE b.id = ?";

    private final JdbcTemplate jdbc;

    BoxSavesImpl(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public <S extends BoxRecord> S save(S rec) {
        if (rec.version == null) {
            return insert(rec);
        }
        int n = jdbc.update("UPDATE box SET version = ?, state = ?, driver = ?, cgroup_path = ?, limits = ?, enforced = ?, "
                        + "counters = ?, updated_at = ? WHERE id = ? AND version = ?",
                rec.version + 1, rec.state.name(), rec.driver, rec.cgroupPath, PersistenceConfig.json(rec.limits),
                PersistenceConfig.json(rec.enforced), rec.counters, Timestamp.from(rec.updatedAt), rec.id, rec.version);
        if (n != 1) {
            throw new OptimisticLockingFailureException("box '" + rec.id + "' changed since version " + rec.version);
        }
        rec.version = rec.version + 1;
        return rec;
    }

    /** A duplicate id fails on the primary key, as a DataIntegrityViolationException. */
    private <S extends BoxRecord> S insert(S rec) {
        jdbc.update("INSERT INTO box (id, version, state, driver, cgroup_path, limits, enforced, counters, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rec.id, 0L, rec.state.name(), rec.driver, rec.cgroupPath, PersistenceConfig.json(rec.limits),
                PersistenceConfig.json(rec.enforced), rec.counters, Timestamp.from(rec.createdAt), Timestamp.from(rec.updatedAt));
        if (!rec.labels.isEmpty()) {
            List<Object[]> rows = rec.labels.stream().map(l -> new Object[] {rec.id, l.name(), l.value()}).toList();
            jdbc.batchUpdate("INSERT INTO box_label (box_id, label_key, label_value) VALUES (?, ?, ?)", rows);
        }
        rec.version = 0L;
        return rec;
    }

    @Override
    public Optional<BoxRecord> findById(String id) {
        return Optional.ofNullable(jdbc.query(SELECT, BoxSavesImpl::read, id));
    }

    /** A box row as {@link #ROW_COLUMNS} selects it, without its labels. */
    static BoxRecord row(ResultSet rs) throws SQLException {
        BoxRecord rec = new BoxRecord();
        rec.id = rs.getString("id");
        rec.version = rs.getLong("version");
        rec.state = BoxState.valueOf(rs.getString("state"));
        rec.driver = rs.getString("driver");
        rec.cgroupPath = rs.getString("cgroup_path");
        rec.limits = PersistenceConfig.limits(rs.getString("limits"));
        rec.enforced = PersistenceConfig.limits(rs.getString("enforced"));
        rec.counters = rs.getString("counters");
        rec.createdAt = instant(rs, "created_at");
        rec.updatedAt = instant(rs, "updated_at");
        return rec;
    }

    private static BoxRecord read(ResultSet rs) throws SQLException {
        BoxRecord rec = null;
        Map<String, String> labels = new TreeMap<>();
        while (rs.next()) {
            if (rec == null) {
                rec = row(rs);
            }
            String key = rs.getString("label_key");
            if (key != null) {
                labels.put(key, rs.getString("label_value"));
            }
        }
        if (rec != null) {
            rec.labelMap(labels);
        }
        return rec;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
