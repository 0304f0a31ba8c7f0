package io.boxd.driver;

/** A step that needs the box's cgroup found none: it was removed outside boxd. */
public class NoSuchCgroupException extends DriverException {

    public NoSuchCgroupException(String message) {
        super(message);
    }
}
