package io.boxd.reconcile;

/** Another boxd holds the cgroup tree this one was told to use. */
public class BaseInUseException extends RuntimeException {

    private final String base;

    BaseInUseException(String base, String message) {
        super(message);
        this.base = base;
    }

    public String base() {
        return base;
    }
}
