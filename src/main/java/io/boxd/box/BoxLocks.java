package io.boxd.box;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * One writer per box in this process: requests on the same box run one at a time, and a
 * request that cannot get the box within the wait gets a 409 instead of a half state. Locks are
 * striped by id, so memory stays bounded however many boxes come and go; two ids that share a
 * stripe only wait for each other.
 */
@Component
public class BoxLocks {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final int STRIPES = 4096;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public BoxLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    private ReentrantLock lockFor(String id) {
        return locks[Math.floorMod(id.hashCode(), STRIPES)];
    }

    public <T> T with(String id, Supplier<T> work) {
        return with(id, WAIT, work);
    }

    public <T> T with(String id, Duration wait, Supplier<T> work) {
        ReentrantLock lock = lockFor(id);
        boolean got;
        try {
            got = lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw new BoxProblems.Conflict("box-busy", "box '" + id + "' is busy with another request; retry");
        }
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} only if the box is free right now; for background work that must not fight requests. */
    public boolean tryWith(String id, Runnable work) {
        ReentrantLock lock = lockFor(id);
        if (!lock.tryLock()) {
            return false;
        }
        try {
            work.run();
            return true;
        } finally {
            lock.unlock();
        }
    }
}
