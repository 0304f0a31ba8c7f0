package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoxLocksTest {

    private final BoxLocks locks = new BoxLocks();

    @Test
    void unrelatedIdsNeverLookBusy() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> holdNested(0, 200, held, release));
        holder.start();
        held.await();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 200; i < 10_000; i++) {
            assertThat(locks.tryWith("o" + i, ran::incrementAndGet)).as("o" + i).isTrue();
        }
        assertThat(ran).hasValue(9_800);
        assertThat(locks.tryWith("o0", ran::incrementAndGet)).isFalse();
        assertThat(locks.tryWith("o199", ran::incrementAndGet)).isFalse();
        release.countDown();
        holder.join();
        assertThat(locks.inUse()).isZero();
    }

    @Test
    void sameIdWaitsThenConflicts() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> locks.with("a", () -> {
            held.countDown();
            await(release);
            return null;
        }));
        holder.start();
        held.await();
        assertThatThrownBy(() -> locks.with("a", Duration.ofMillis(50), () -> null))
                .isInstanceOf(BoxProblems.Conflict.class).hasMessageContaining("busy");
        release.countDown();
        holder.join();
        assertThat(locks.with("a", () -> "free")).isEqualTo("free");
        assertThat(locks.inUse()).isZero();
    }

    @Test
    void reentrantOnOneThreadAndForgottenAfterwards() {
        String out = locks.with("r", () -> locks.with("r", () -> locks.tryWith("r", () -> { }) ? "nested" : "refused"));
        assertThat(out).isEqualTo("nested");
        assertThat(locks.inUse()).isZero();
    }

    /** Holds o{from}..o{to-1} all at once, as 200 requests in flight would. */
    private void holdNested(int from, int to, CountDownLatch held, CountDownLatch release) {
        if (from == to) {
            held.countDown();
            await(release);
            return;
        }
        locks.with("o" + from, () -> {
            holdNested(from + 1, to, held, release);
            return null;
        });
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
