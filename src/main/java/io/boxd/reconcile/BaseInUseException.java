package io.boxd.reconcile;

/** Another boxd holds the cgroup tree this one was told to use. */
public class BaseInUseException extends RuntimeException {

    BaseInUseException(String message) {
        super(message);
    }
}
