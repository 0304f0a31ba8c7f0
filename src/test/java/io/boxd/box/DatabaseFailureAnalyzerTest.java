package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

class DatabaseFailureAnalyzerTest {

    private final DatabaseFailureAnalyzer analyzer = new DatabaseFailureAnalyzer(
            new MockEnvironment().withProperty("spring.datasource.url", "jdbc:postgresql://db.internal:5432/boxd?password=secret"));

    private FailureAnalysis analyze(SQLException e) {
        return analyzer.analyze(new IllegalStateException("context failed", e));
    }

    @Test
    void aDatabaseThatCannotBeReachedIsOneMessageNamingTheUrlWithoutItsOptions() {
        FailureAnalysis a = analyze(new SQLNonTransientConnectionException("Connection to db.internal:5432 refused", "08001"));
        assertThat(a.getDescription()).isEqualTo(
                "boxd could not open its database (jdbc:postgresql://db.internal:5432/boxd): Connection to db.internal:5432 refused");
        assertThat(a.getAction()).contains("spring.datasource.url");
    }

    @Test
    void h2FilesHeldReadOnlyOrCorruptEachSayWhatToDo() {
        assertThat(analyze(new SQLException("locked", "90020", 90020)).getAction()).contains("another boxd on the same boxd.data-dir");
        assertThat(analyze(new SQLException("read only", "90097", 90097)).getAction()).contains("writable");
        assertThat(analyze(new SQLException("corrupt", "90030", 90030)).getAction()).contains("boxd.reconcile.orphans=report");
    }

    @Test
    void aDatabaseThatAnsweredAndRefusedIsLeftToSpringsReport() {
        // A migration the role may not run: the server is there, "could not open" would mislead.
        assertThat(analyze(new SQLException("permission denied for schema public", "42501"))).isNull();
    }
}
