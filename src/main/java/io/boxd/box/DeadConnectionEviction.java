package io.boxd.box;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Drops a pooled connection whose database H2 closed. Hikari keeps a connection unless its
 * SQLState says the link broke (08xxx), and H2 says 90098; without this, every connection in the
 * pool stayed dead after one failed write (a full disk), even once there was room again.
 */
final class DeadConnectionEviction implements SQLExceptionOverride {

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        return DatabaseFailures.connectionIsDead(e) ? SQLExceptionOverride.Override.MUST_EVICT
                : SQLExceptionOverride.Override.CONTINUE_EVICT;
    }
}
