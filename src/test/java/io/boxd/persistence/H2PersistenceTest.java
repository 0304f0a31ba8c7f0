package io.boxd.persistence;

import org.springframework.boot.test.context.SpringBootTest;

/** The persistence contract on boxd's default database: the H2 file under a fresh data dir. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        TestDatabases.DB + "=h2",
        PersistenceTestTokens.TOKENS})
class H2PersistenceTest extends PersistenceContract {

    @Override
    String expectedDatabase() {
        return "H2";
    }
}
