package io.boxd.reconcile;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reconciles once at startup, inside an {@link ApplicationRunner} so that readiness reports UP
 * only after it, then every {@code boxd.reconcile.interval}.
 */
@Component
class ReconcileSchedule implements ApplicationRunner, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReconcileSchedule.class);

    private final Reconciler reconciler;
    private final ReconcileProperties props;
    private volatile ScheduledExecutorService timer;

    ReconcileSchedule(Reconciler reconciler, ReconcileProperties props) {
        this.reconciler = reconciler;
        this.props = props;
    }

    @Override
    public void run(ApplicationArguments args) {
        ReconcileReport r = reconciler.run("startup");
        log.info("startup reconcile: reaped {} adopted {} reported {} foreign {} lost {} repaired {} in {} ms",
                r.orphansReaped(), r.orphansAdopted(), r.orphansReported(), r.orphansForeign(), r.lost(), r.repaired(),
                r.durationMillis());
        long every = props.interval().toMillis();
        if (every > 0 && timer != null) {
            timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        try {
            reconciler.run("periodic");
        } catch (RuntimeException e) {
            log.warn("periodic reconcile failed: {}", e.getMessage(), e);
        }
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "boxd-reconcile-timer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
        timer = null;
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
