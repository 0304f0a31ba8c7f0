package io.boxd.driver;

import java.util.List;

/**
 * A requested limit needs a controller that is not available where the box would live. Thrown
 * in strict mode before anything is made (or after rolling back what was).
 */
public class LimitNotEnforceableException extends DriverException {

    /** One limit that cannot hold: its field, the controller it needs, where that is missing, and a fix. */
    public record Missing(String limit, String controller, String missingAt, String fix) {
    }

    private final List<Missing> missing;

    public LimitNotEnforceableException(List<Missing> missing) {
        super(describe(missing));
        this.missing = List.copyOf(missing);
    }

    public List<Missing> missing() {
        return missing;
    }

    private static String describe(List<Missing> missing) {
        StringBuilder sb = new StringBuilder("limits cannot be enforced: ");
        for (int i = 0; i < missing.size(); i++) {
            Missing m = missing.get(i);
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(m.limit()).append(" needs the '").append(m.controller())
                    .append("' controller, which is not available at ").append(m.missingAt());
        }
        return sb.toString();
    }
}
