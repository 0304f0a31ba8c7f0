package io.boxd.persistence;

import java.util.Optional;
import java.util.function.UnaryOperator;

/** The PostgreSQL server the tests were given: {@code BOXD_TEST_PG_URL} and its login. */
public record PgTarget(String url, String user, String password) {

    public static Optional<PgTarget> fromEnvironment(UnaryOperator<String> lookup) {
        String url = lookup.apply(TestDatabases.PG_URL);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String user = lookup.apply(TestDatabases.PG_USER);
        String password = lookup.apply(TestDatabases.PG_PASSWORD);
        return Optional.of(new PgTarget(url.trim(), user == null || user.isBlank() ? "boxd" : user,
                password == null ? "boxd" : password));
    }

    /** From the process environment, then system properties of the same name. */
    public static Optional<PgTarget> fromProcess() {
        return fromEnvironment(name -> {
            String v = System.getenv(name);
            return v != null ? v : System.getProperty(name);
        });
    }

    public String urlWithSchema(String schema) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static String missingMessage() {
        return TestDatabases.DB + "=postgres needs a PostgreSQL server: set " + TestDatabases.PG_URL
                + "=jdbc:postgresql://HOST:PORT/DB (and " + TestDatabases.PG_USER + "/" + TestDatabases.PG_PASSWORD
                + " unless they are boxd/boxd). Start a throwaway one with: export " + TestDatabases.PG_URL
                + "=$(bash .ci/postgres start)";
    }

    /** CI=true (or any value but false/0): a missing server is a failure, never a skip. */
    public static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }
}
