package io.boxd.driver;

/** A process a box must not take in; the message says why ({@link Adoption#refusal}). */
public class NotAdoptableException extends DriverException {

    public NotAdoptableException(String reason) {
        super(reason);
    }
}
