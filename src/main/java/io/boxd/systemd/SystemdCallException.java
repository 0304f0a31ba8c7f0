package io.boxd.systemd;

import io.boxd.driver.DriverException;

/** A systemd call or job failed; carries systemd's D-Bus error name (or the job result) for callers that care. */
class SystemdCallException extends DriverException {

    private final String errorName;

    SystemdCallException(String message, String errorName, Throwable cause) {
        super(message, cause);
        this.errorName = errorName;
    }

    String errorName() {
        return errorName;
    }
}
