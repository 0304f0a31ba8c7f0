package io.boxd.cgroup;

import io.boxd.driver.DriverException;
import java.nio.file.Path;

/** A write to a cgroup file failed; carries the file, the value and the kernel's reason. */
public class CgroupWriteException extends DriverException {

    private final Path file;
    private final String value;
    private final String reason;

    CgroupWriteException(Path file, String value, String reason, Throwable cause) {
        super("write \"" + value.strip() + "\" to " + file + ": " + reason, cause);
        this.file = file;
        this.value = value;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public String value() {
        return value;
    }

    public String reason() {
        return reason;
    }
}
