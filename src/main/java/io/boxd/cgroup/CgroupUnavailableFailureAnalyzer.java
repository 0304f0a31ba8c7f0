package io.boxd.cgroup;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a missing cgroup v2 into one clear startup message instead of a stack trace. */
class CgroupUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<CgroupUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, CgroupUnavailableException cause) {
        return new FailureAnalysis("boxd needs a writable cgroup v2 hierarchy: " + cause.getMessage(),
                "Run boxd on a host with cgroup v2 (unified or hybrid), as root or with a delegated subtree, "
                        + "or point boxd.cgroup.mount at a cgroup2 mount (mount -t cgroup2 none /sys/fs/cgroup).",
                cause);
    }
}
