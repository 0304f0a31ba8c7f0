package io.boxd.box;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * One writer per box in this process: requests on the same box run one at a time, and a
 * request that cannot get the box within the wait gets a 409 instead of a half state.
 */
@Component
public class BoxLocks {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public <T> T with(String id, Supplier<T> work) {
        return with(id, WAIT, work);
    }

    public <T> T with(String id, Duration wait, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
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
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
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
