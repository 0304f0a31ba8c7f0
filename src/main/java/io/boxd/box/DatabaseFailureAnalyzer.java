package io.boxd.box;

import java.sql.SQLException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * A database boxd cannot open at startup (its H2 file held by another process, read-only or
 * corrupt; a PostgreSQL server that refuses) is one plain message instead of a stack trace of
 * some hundred lines with the reason deep inside.
 */
class DatabaseFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

    /** H2's error codes for a file another process holds, one it cannot write, and one it cannot read. */
    static final int H2_DATABASE_ALREADY_OPEN = 90020;
    static final int H2_FILE_CORRUPTED = 90030;
    static final int H2_DATABASE_IS_READ_ONLY = 90097;

    private final Environment env;

    DatabaseFailureAnalyzer(Environment env) {
        this.env = env;
    }

    @Override
    protected FailureAnalysis analyze(Throwable root, SQLException cause) {
        int code = cause.getErrorCode();
        if (!DatabaseFailures.unavailable(cause) && code != H2_DATABASE_ALREADY_OPEN && code != H2_FILE_CORRUPTED
                && code != H2_DATABASE_IS_READ_ONLY) {
            return null;   // the database answered and refused something (a migration, say): Spring's report says what
        }
        String url = url();
        return new FailureAnalysis("boxd could not open its database" + (url == null ? "" : " (" + url + ")") + ": "
                + DatabaseFailures.reason(cause), action(cause.getErrorCode()), cause);
    }

    /** spring.datasource.url without its options (a PostgreSQL URL may carry a password in them). */
    private String url() {
        try {
            String url = env.getProperty("spring.datasource.url");
            if (url == null) {
                return null;
            }
            int cut = url.startsWith("jdbc:h2:") ? url.indexOf(';') : url.indexOf('?');
            return cut < 0 ? url : url.substring(0, cut);
        } catch (RuntimeException unresolvable) {
            return null;
        }
    }

    static String action(int h2ErrorCode) {
        return switch (h2ErrorCode) {
            case H2_DATABASE_ALREADY_OPEN -> "Another process has the H2 file open: most likely another boxd on the same "
                    + "boxd.data-dir. Stop it, or give this boxd a data dir of its own.";
            case H2_DATABASE_IS_READ_ONLY -> "boxd must write its records: make boxd.data-dir and the H2 file in it "
                    + "writable, or point boxd.data-dir elsewhere.";
            case H2_FILE_CORRUPTED -> "The H2 file in boxd.data-dir cannot be read: restore it from a backup. Before "
                    + "you start on a new file instead, read README \"Boxes of another database\": start that once "
                    + "with boxd.reconcile.orphans=report, so that no box of the old records is reaped.";
            default -> "Check that boxd.data-dir is writable (H2), or that spring.datasource.url, its user and password "
                    + "reach a running server (PostgreSQL).";
        };
    }
}
