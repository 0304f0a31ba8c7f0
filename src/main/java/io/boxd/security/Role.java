package io.boxd.security;

import java.util.Locale;

/** What a token may do: {@code viewer} reads (GET, HEAD), {@code operator} does everything. */
public enum Role {
    VIEWER,
    OPERATOR;

    /** True when this role may send a request with this HTTP method. */
    public boolean allows(String method) {
        return this == OPERATOR || isRead(method);
    }

    static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    static Role parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "viewer" -> VIEWER;
            case "operator" -> OPERATOR;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
