package io.boxd.box;

import java.util.List;

/** The kinds of failure the box lifecycle reports; the API maps each to a stable problem type. */
public final class BoxProblems {

    private BoxProblems() {
    }

    /** No box has this id. */
    public static class NotFound extends RuntimeException {
        public NotFound(String id) {
            super("no box with id '" + id + "'");
        }
    }

    /** The request conflicts with the box's state (exists, busy, has live processes, removed). */
    public static class Conflict extends RuntimeException {
        private final String kind;

        public Conflict(String kind, String message) {
            super(message);
            this.kind = kind;
        }

        /** A stable short name: box-exists, box-busy, box-has-processes, box-not-live. */
        public String kind() {
            return kind;
        }
    }

    /** The request is well-formed JSON but breaks a rule; each violation names its field. */
    public static class Invalid extends RuntimeException {
        public record Violation(String field, String message) {
        }

        private final List<Violation> violations;

        public Invalid(List<Violation> violations) {
            super(violations.isEmpty() ? "invalid request"
                    : violations.stream().map(v -> v.field() + " " + v.message()).reduce((a, b) -> a + "; " + b).get());
            this.violations = List.copyOf(violations);
        }

        public Invalid(String field, String message) {
            this(List.of(new Violation(field, message)));
        }

        public List<Violation> violations() {
            return violations;
        }
    }
}
