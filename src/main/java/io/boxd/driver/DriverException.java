package io.boxd.driver;

/** A kernel or service operation failed; the message names the file (or unit) and the value. */
public class DriverException extends RuntimeException {

    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
