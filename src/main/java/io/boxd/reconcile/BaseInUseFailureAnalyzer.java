package io.boxd.reconcile;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** One clear startup message, instead of a stack trace, when another boxd owns the tree. */
class BaseInUseFailureAnalyzer extends AbstractFailureAnalyzer<BaseInUseException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, BaseInUseException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Stop the other boxd first, or give this one a cgroup tree of its own with boxd.cgroup.base. "
                        + "Two boxds on one tree would each take the other's boxes for orphans, and reap them.",
                cause);
    }
}
