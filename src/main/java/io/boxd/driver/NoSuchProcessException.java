package io.boxd.driver;

public class NoSuchProcessException extends DriverException {

    public NoSuchProcessException(int pid) {
        super("no such process: " + pid);
    }

    public NoSuchProcessException(String message) {
        super(message);
    }
}
