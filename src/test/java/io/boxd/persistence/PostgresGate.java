package io.boxd.persistence;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;

/**
 * Decides, per test class, what happens to a {@code @SpringBootTest} that should run on
 * PostgreSQL ({@code boxd.test.db=postgres} inline, or for the whole run with
 * {@code -Ppostgres-tests}) when no server was given in {@code BOXD_TEST_PG_URL}:
 * <ul>
 * <li>in the PostgreSQL run ({@code -Dboxd.test.db=postgres}) with {@code CI=true}: the class
 * fails, with the message that says how to start a server; CI never passes without one;</li>
 * <li>otherwise: the class is skipped, with that message as the reason.</li>
 * </ul>
 * Registered on the PostgreSQL test classes, and for every test class by JUnit's extension
 * autodetection in the {@code postgres-tests} Maven profile.
 */
public final class PostgresGate implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent() || context.getTestClass().isEmpty()) {
            return ConditionEvaluationResult.enabled("decided for the class");
        }
        Class<?> testClass = context.getTestClass().get();
        String db = targetOf(testClass);
        if (!"postgres".equals(db)) {
            return ConditionEvaluationResult.enabled("not a PostgreSQL test (" + TestDatabases.DB + "=" + db + ")");
        }
        Optional<PgTarget> pg = PgTarget.fromProcess();
        if (pg.isPresent()) {
            return ConditionEvaluationResult.enabled("PostgreSQL at " + pg.get().url());
        }
        if (PgTarget.inCi() && "postgres".equals(System.getProperty(TestDatabases.DB))) {
            throw new IllegalStateException("CI=true and this is the PostgreSQL run, but no server was given. "
                    + PgTarget.missingMessage());
        }
        return ConditionEvaluationResult.disabled(PgTarget.missingMessage());
    }

    /** The class's own {@code boxd.test.db} (inline in @SpringBootTest), else the run's; null for none. */
    static String targetOf(Class<?> testClass) {
        MergedAnnotation<SpringBootTest> boot = MergedAnnotations.from(testClass, SearchStrategy.TYPE_HIERARCHY)
                .get(SpringBootTest.class);
        if (!boot.isPresent()) {
            return null;
        }
        String prefix = TestDatabases.DB + "=";
        Optional<String> inline = Arrays.stream(boot.getStringArray("properties"))
                .map(String::trim).filter(p -> p.startsWith(prefix)).map(p -> p.substring(prefix.length()).trim())
                .findFirst();
        return inline.orElse(System.getProperty(TestDatabases.DB));
    }
}
