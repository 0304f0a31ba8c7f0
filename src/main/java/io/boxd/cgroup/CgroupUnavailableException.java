package io.boxd.cgroup;

/** There is no usable cgroup v2 hierarchy; boxd cannot start. */
public class CgroupUnavailableException extends RuntimeException {

    public CgroupUnavailableException(String message) {
        super(message);
    }
}
