package io.boxd.systemd;

import io.boxd.cgroup.CgroupFs;
import io.boxd.cgroup.CgroupProperties;
import io.boxd.cgroup.CgroupfsDriver;
import io.boxd.driver.BoxDriver;
import io.boxd.driver.Enforcement;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * Lab tool, not shipped: compiled by lab/systemd/acceptance against boxd's jar (same package, so
 * it can build a SystemdDriver without Spring) and run inside the VM as root. It times box create
 * (and remove) through both drivers in one JVM on the same kernel, alternating rounds, so the
 * comparison is not skewed by a second Spring start under TCG.
 *   java -cp BENCH:boxd.jar:lib/* io.boxd.systemd.CreateTimer N
 */
public final class CreateTimer {

    private CreateTimer() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 25;
        CgroupFs fs = new CgroupFs(Path.of("/sys/fs/cgroup"));
        Limits limits = new Limits(LimitValue.of(64L << 20), null, null, null, null, LimitValue.of(64));
        Duration t = Duration.ofSeconds(5);
        // No spawn servers: only create and remove are timed.
        CgroupfsDriver cgroupfs = new CgroupfsDriver(fs, new CgroupProperties(null, "boxlite-timer", Set.of("cpu", "memory", "pids"), t, t, t,
                false, false), Enforcement.STRICT, "timer", null);
        SystemdBus bus = new SystemdBus(BusLocation.resolve(null, 0, null), Duration.ofSeconds(30));
        BoxDriver systemd = new SystemdDriver(bus, fs, "boxlite", Enforcement.STRICT, "timer", t);
        double[][] fsTimes = null;
        double[][] sdTimes = null;
        for (int round = 0; round < 2; round++) { // round 0 warms both up
            fsTimes = run(cgroupfs, "fs", n, limits);
            sdTimes = run(systemd, "sd", n, limits);
        }
        System.out.printf("driver-level create p50: systemd %.2f ms, cgroupfs %.2f ms (x%.1f); remove p50: systemd %.2f ms, cgroupfs %.2f ms; n=%d%n",
                p50(sdTimes[0]), p50(fsTimes[0]), p50(sdTimes[0]) / p50(fsTimes[0]), p50(sdTimes[1]), p50(fsTimes[1]), n);
        bus.close();
        cgroupfs.close();
    }

    private static double[][] run(BoxDriver d, String tag, int n, Limits limits) {
        double[] create = new double[n];
        double[] remove = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            d.create("timer-" + tag + i, limits);
            create[i] = (System.nanoTime() - t0) / 1e6;
        }
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            d.remove("timer-" + tag + i);
            remove[i] = (System.nanoTime() - t0) / 1e6;
        }
        return new double[][] {create, remove};
    }

    private static double p50(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }
}
