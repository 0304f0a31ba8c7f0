package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import io.boxd.testkit.Migrations;
import io.boxd.testkit.Scratch;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestExecutionListeners;

/**
 * boxd started on an H2 file whose event counter lags the events in it, as a kill -9 can leave it
 * (H2IdentityRealign): its first records must not collide with those events.
 */
@SpringBootTest
@TestExecutionListeners(listeners = Scratch.CleanUp.class, mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
class LaggingIdentityStartTest {

    private static final Scratch SCRATCH = Scratch.create("identity");
    private static final int EVENTS = 40;

    static {
        // The file as the killed boxd left it: every migration, and events 1..40 with the counter at 1.
        JdbcClient jdbc = JdbcClient.create(Migrations.h2("jdbc:h2:file:" + SCRATCH.dataDir.resolve("boxd")));
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("INSERT INTO box (id, version, state, driver, created_at, updated_at) VALUES ('old', 0, 'REMOVED', 'cgroupfs', ?, ?)")
                .params(now, now).update();
        for (long id = 1; id <= EVENTS; id++) {
            jdbc.sql("INSERT INTO box_event (id, box_id, type, occurred_at) VALUES (?, 'old', 'created', ?)").params(id, now).update();
        }
        jdbc.sql("SHUTDOWN").update();
    }

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        SCRATCH.register(r);
    }

    @Autowired
    BoxService service;

    @Test
    void theFirstRecordsAfterTheStartDoNotCollideWithEventsAlreadyThere() {
        Box made = service.create(new NewBox("fresh", null, new Limits(null, null, null, null, null, LimitValue.UNLIMITED), Map.of()));
        assertThat(service.events(made.id())).extracting(BoxEvent::id).allSatisfy(id -> assertThat(id).isGreaterThan(EVENTS));
        assertThat(service.events("old")).hasSize(EVENTS);
        service.delete(made.id(), false);
    }
}
