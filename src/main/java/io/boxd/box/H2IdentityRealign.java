package io.boxd.box;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Puts H2's identity counters back above the ids already in their tables, at every start, before
 * anything is written. H2 reserves identity values 32 at a time and records the reservation after
 * it hands out the first of them, outside the lock: another session can commit a row from the new
 * range first, and a kill -9 in between leaves a file whose counter is below that row's id. The
 * next inserts then fail as duplicate keys (seen once in CI: the startup reconcile could not record
 * a box's processes). PostgreSQL logs its sequences with the data, so this runs on H2 only.
 */
@Component
class H2IdentityRealign implements Callback {

    private static final Logger log = LoggerFactory.getLogger(H2IdentityRealign.class);
    /** The tables with an identity column {@code id} (migrations V1, V2). */
    static final List<String> TABLES = List.of("box_event", "reconcile_run");

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.AFTER_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try {
            realign(context.getConnection());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check H2's identity counters: " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "h2-identity-realign";
    }

    /** Each table whose counter was at or below its largest id, with the value it now starts at. */
    static Map<String, Long> realign(Connection c) throws SQLException {
        Map<String, Long> restarted = new LinkedHashMap<>();
        if (!"H2".equals(c.getMetaData().getDatabaseProductName())) {
            return restarted;
        }
        for (String table : TABLES) {
            long base = single(c, "SELECT IDENTITY_BASE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = CURRENT_SCHEMA"
                    + " AND TABLE_NAME = '" + table.toUpperCase(Locale.ROOT) + "' AND COLUMN_NAME = 'ID'");
            long max = single(c, "SELECT COALESCE(MAX(id), 0) FROM " + table);
            if (base > 0 && base <= max) {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + table + " ALTER COLUMN id RESTART WITH " + (max + 1));
                }
                log.warn("H2's identity counter for {} was at {}, below ids already used (up to {}): a kill -9 lost its "
                        + "last reservation. It now starts at {}.", table, base, max, max + 1);
                restarted.put(table, max + 1);
            }
        }
        return restarted;
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
            return r.next() ? r.getLong(1) : 0;
        }
    }
}
