package io.boxd.driver;

/** The process could not be started, or could not be placed in its box (and was killed). */
public class SpawnFailedException extends DriverException {

    public SpawnFailedException(String message) {
        super(message);
    }

    public SpawnFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
