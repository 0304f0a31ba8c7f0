package io.boxd.security;

/**
 * boxd's security settings do not let it serve safely: no token, a malformed entry, an unreadable
 * tokens file, or insecure mode on a non-loopback address. {@link SecurityFailureAnalyzer} turns it
 * into one startup message that says how to fix it. The message never contains a token.
 */
public class SecurityConfigException extends RuntimeException {

    private final String action;

    public SecurityConfigException(String message, String action) {
        super(message);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
