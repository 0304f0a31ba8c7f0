package io.boxd.driver;

/**
 * A new process would take its box (or a cgroup above it) past {@code pids.max}: it was killed
 * before it ran the target. The box is full, not broken; a spawn may work once a process ends.
 */
public class PidsLimitException extends SpawnFailedException {
    public PidsLimitException(String message) {
        super(message);
    }
}
