package io.boxd.systemd;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Meets {@code JobRemoved} signals with the callers waiting for them. The signal can arrive
 * before the reply that names the job, so whichever comes first creates the entry. Results
 * nobody waits for (other clients' jobs) are pruned after a while.
 */
final class JobResults {

    private static final long KEEP_UNCLAIMED_NANOS = TimeUnit.MINUTES.toNanos(2);
    private static final int PRUNE_ABOVE = 256;

    private record Entry(CompletableFuture<String> result, long bornNanos) {
    }

    private final ConcurrentMap<String, Entry> byJob = new ConcurrentHashMap<>();

    void finished(String jobPath, String result) {
        entry(jobPath).result().complete(result);
        if (byJob.size() > PRUNE_ABOVE) {
            long now = System.nanoTime();
            byJob.values().removeIf(e -> e.result().isDone() && now - e.bornNanos() > KEEP_UNCLAIMED_NANOS);
        }
    }

    /** The job's result, or empty when it did not finish within {@code timeout}. */
    Optional<String> await(String jobPath, Duration timeout) {
        try {
            return Optional.of(entry(jobPath).result().get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        } finally {
            byJob.remove(jobPath);
        }
    }

    int size() {
        return byJob.size();
    }

    private Entry entry(String jobPath) {
        return byJob.computeIfAbsent(jobPath, k -> new Entry(new CompletableFuture<>(), System.nanoTime()));
    }
}
