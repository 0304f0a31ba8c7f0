package io.boxd.persistence;

/** A token for the persistence contexts, which start the whole application (no HTTP is served). */
final class PersistenceTestTokens {

    static final String TOKENS = "boxd.security.tokens=persistence-test:pt-7c1e0b4a9d2f4e86b3a5c0d9e8f7a6b5:operator";

    private PersistenceTestTokens() {
    }
}
