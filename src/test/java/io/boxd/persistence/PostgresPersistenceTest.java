package io.boxd.persistence;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The persistence contract on the real PostgreSQL server in {@code BOXD_TEST_PG_URL} (CI starts
 * one with {@code .ci/postgres}), through the {@code postgres} profile, in a schema of its own.
 * Without a server: skipped with the reason, or failed in CI's PostgreSQL run ({@link PostgresGate}).
 */
@ExtendWith(PostgresGate.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        TestDatabases.DB + "=postgres",
        PersistenceTestTokens.TOKENS})
class PostgresPersistenceTest extends PersistenceContract {

    @Override
    String expectedDatabase() {
        return "PostgreSQL";
    }
}
