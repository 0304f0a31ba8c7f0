package io.boxd.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a security setting that does not let boxd serve into one clear startup message. */
class SecurityFailureAnalyzer extends AbstractFailureAnalyzer<SecurityConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, SecurityConfigException cause) {
        return new FailureAnalysis("boxd refuses to serve: " + cause.getMessage(), cause.action(), cause);
    }
}
