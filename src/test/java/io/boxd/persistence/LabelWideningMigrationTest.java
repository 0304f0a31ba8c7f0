package io.boxd.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Migrations;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V5 widens label values on a database that already holds boxes: an H2 file made by V1 to V4, as
 * an earlier boxd left it, keeps its labels and then takes 255 characters outside the BMP.
 */
class LabelWideningMigrationTest {

    private static final String EMOJI = "\uD83D\uDE00";

    @TempDir
    Path dir;

    @Test
    void anEarlierDatabaseKeepsItsLabelsAndTakesWideOnes() {
        JdbcDataSource ds = Migrations.h2("jdbc:h2:file:" + dir.resolve("boxd") + ";WRITE_DELAY=0", "4");
        JdbcClient jdbc = JdbcClient.create(ds);
        box(jdbc, "old");
        jdbc.sql("INSERT INTO box_label (box_id, label_key, label_value) VALUES ('old', 'team', ?)").param("v".repeat(255)).update();
        jdbc.sql("INSERT INTO box_label (box_id, label_key, label_value) VALUES ('old', 'note', ?)").param("größe ✓").update();
        assertThat(insertWide(jdbc, "before")).as("a wide label before V5").hasValueSatisfying(why -> assertThat(why).contains("Value too long"));

        int applied = Migrations.migrate(ds, null);

        assertThat(applied).isEqualTo(1);
        assertThat(jdbc.sql("SELECT label_key || '=' || label_value FROM box_label WHERE box_id = 'old' ORDER BY label_key")
                .query(String.class).list()).containsExactly("note=größe ✓", "team=" + "v".repeat(255));
        assertThat(jdbc.sql("SELECT box_id FROM box_label WHERE label_key = 'team' AND label_value = ?").param("v".repeat(255))
                .query(String.class).list()).containsExactly("old");
        assertThat(insertWide(jdbc, "after")).as("a wide label after V5").isEmpty();
        assertThat(jdbc.sql("SELECT label_value FROM box_label WHERE box_id = 'after'").query(String.class).single())
                .isEqualTo(EMOJI.repeat(255));
    }

    private static void box(JdbcClient jdbc, String id) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("INSERT INTO box (id, version, state, driver, created_at, updated_at) VALUES (?, 0, 'CREATED', 'cgroupfs', ?, ?)")
                .params(id, now, now).update();
    }

    /** Labels a new box with 255 emoji (510 UTF-16 units); why the database refused, if it did. */
    private static Optional<String> insertWide(JdbcClient jdbc, String id) {
        box(jdbc, id);
        try {
            jdbc.sql("INSERT INTO box_label (box_id, label_key, label_value) VALUES (?, 'wide', ?)").params(id, EMOJI.repeat(255)).update();
            return Optional.empty();
        } catch (DataAccessException refused) {
            return Optional.of(String.valueOf(refused.getMessage()));
        }
    }
}
