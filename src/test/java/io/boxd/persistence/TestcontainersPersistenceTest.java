package io.boxd.persistence;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The persistence contract on a throwaway PostgreSQL container, where a Docker engine exists
 * (skipped otherwise; {@link PostgresPersistenceTest} covers PostgreSQL without one).
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        TestDatabases.DB + "=testcontainers",
        PersistenceTestTokens.TOKENS})
class TestcontainersPersistenceTest extends PersistenceContract {

    @Container
    static final PostgreSQLContainer PG = new PostgreSQLContainer("postgres:17-alpine")
            .withDatabaseName("boxd").withUsername("boxd").withPassword("boxd");

    @DynamicPropertySource
    static void container(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", PG::getJdbcUrl);
        r.add("spring.datasource.username", PG::getUsername);
        r.add("spring.datasource.password", PG::getPassword);
    }

    @Override
    String expectedDatabase() {
        return "PostgreSQL";
    }
}
