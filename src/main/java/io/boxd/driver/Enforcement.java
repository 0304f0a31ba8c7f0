package io.boxd.driver;

/** {@code boxd.enforcement}: refuse limits that cannot hold, or create anyway and report honestly. */
public enum Enforcement {
    STRICT, BEST_EFFORT;

    public String wire() {
        return this == STRICT ? "strict" : "best-effort";
    }
}
