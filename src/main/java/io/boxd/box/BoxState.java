package io.boxd.box;

/**
 * The life of a box. {@code CREATING} and {@code REMOVING} are intents written before the
 * kernel is touched, so a crash between steps can be finished or rolled back on restart.
 */
public enum BoxState {
    CREATING, CREATED, RUNNING, EXITED, STOPPED, REMOVING, REMOVED, LOST;

    public boolean transitional() {
        return this == CREATING || this == REMOVING;
    }

    /** States whose cgroup should exist in the kernel. */
    public boolean live() {
        return this == CREATED || this == RUNNING || this == EXITED || this == STOPPED;
    }
}
