package io.boxd.box;

import io.boxd.driver.DriverException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a database that cannot be used (its disk is full, its file or server is gone) from a bug,
 * by the exception's cause chain: the first is a 503 that clears when the database does, the
 * second a 500. Pure.
 */
public final class DatabaseFailures {

    /** H2's DATABASE_IS_CLOSED: after a failed write H2 closes the database under every open connection. */
    static final int H2_DATABASE_IS_CLOSED = 90098;

    private DatabaseFailures() {
    }

    /** True when {@code e} says the database could not be reached, read or written, rather than refused a statement. */
    public static boolean unavailable(Throwable e) {
        for (Throwable t : chain(e)) {
            if (t instanceof DriverException) {
                return false;   // the kernel's I/O error (a cgroup file), not the database's
            }
            if (closedOrUnwritable(t) || t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessResourceException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the connection that threw {@code e} is dead for good: H2 closed its database (a
     * write failed, so every connection opened before is useless) or its file could not be
     * written. Such a connection is dropped from the pool; a new one opens the database again.
     */
    static boolean connectionIsDead(SQLException e) {
        return chain(e).stream().anyMatch(DatabaseFailures::closedOrUnwritable);
    }

    private static boolean closedOrUnwritable(Throwable t) {
        return t instanceof IOException || (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_IS_CLOSED);
    }

    /** Why, for people: the I/O error where there is one ("No space left on device"), else the deepest message. */
    public static String reason(Throwable e) {
        String deepest = null;
        for (Throwable t : chain(e)) {
            if (t instanceof IOException && t.getMessage() != null) {
                return firstLine(t.getMessage());
            }
            if (t.getMessage() != null) {
                deepest = t.getMessage();
            }
        }
        return deepest == null ? e.getClass().getSimpleName() : firstLine(deepest);
    }

    /**
     * {@code e} and its causes; where a rollback failed after the work did, the work's failure
     * first, as that says why (Spring throws the rollback's "Connection is closed" and keeps the
     * disk's "No space left on device" aside).
     */
    private static List<Throwable> chain(Throwable e) {
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof TransactionSystemException tse && tse.getApplicationException() != null) {
                for (Throwable a : chain(tse.getApplicationException())) {
                    if (seen.add(a)) {
                        out.add(a);
                    }
                }
            }
            out.add(t);
        }
        return out;
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
