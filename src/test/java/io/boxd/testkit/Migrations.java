package io.boxd.testkit;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.h2.jdbcx.JdbcDataSource;

/** boxd's Flyway migrations, run on a database a test makes itself, outside a boxd. */
public final class Migrations {

    private Migrations() {
    }

    /** An H2 database at {@code url} (user sa, no password) with every migration applied. */
    public static JdbcDataSource h2(String url) {
        return h2(url, null);
    }

    /** The same, with the migrations up to {@code target} only (all when null), as an older boxd left it. */
    public static JdbcDataSource h2(String url, String target) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        migrate(ds, target);
        return ds;
    }

    /** Applies the migrations not applied yet, up to {@code target} (all when null); how many ran. */
    public static int migrate(DataSource ds, String target) {
        FluentConfiguration config = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
        return (target == null ? config : config.target(target)).load().migrate().migrationsExecuted;
    }
}
