package io.boxd.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobResultsTest {

    @Test
    void aResultThatArrivesBeforeTheWaiterIsKeptForIt() {
        JobResults jobs = new JobResults();
        jobs.finished("/job/7", "done");

        assertThat(jobs.await("/job/7", Duration.ofMillis(10))).contains("done");
        assertThat(jobs.size()).isZero();
    }

    @Test
    void anotherJobsResultDoesNotWakeTheWaiter() {
        JobResults jobs = new JobResults();
        jobs.finished("/job/8", "failed");

        assertThat(jobs.await("/job/9", Duration.ofMillis(50))).isEmpty();
    }
}
