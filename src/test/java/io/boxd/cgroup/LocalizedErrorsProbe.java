package io.boxd.cgroup;

import io.boxd.driver.Enforcement;
import io.boxd.driver.SpawnSpec;
import io.boxd.limits.Limits;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Run by {@link LocalizedErrorsKernelTest} in a JVM of its own, started with {@code LANGUAGE=de},
 * because the JVM takes its locale once, at start. Prints what it saw, one fact per line; the
 * test decides. Args: mount, base, log dir.
 */
final class LocalizedErrorsProbe {

    public static void main(String[] args) throws Exception {
        Path mount = Path.of(args[0]);
        String base = args[1];
        CgroupFs fs = new CgroupFs(mount);
        var props = new CgroupProperties(null, base, Set.of(), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), true, true);
        CgroupfsDriver driver = new CgroupfsDriver(fs, props, Enforcement.BEST_EFFORT, "probe", Path.of(args[2]));
        try {
            // The JDK's words for EBUSY here: the proof that this JVM reports errors in German.
            driver.create("busy", Limits.NONE);
            driver.spawn("busy", new SpawnSpec(List.of("sleep", "60"), Map.of(), null, null, null, Path.of(args[2], "busy.log")));
            try {
                Files.delete(mount.resolve(base + "/busy"));
                System.out.println("locale deleted-a-populated-cgroup");
            } catch (FileSystemException e) {
                System.out.println("locale " + e.getReason());
            }
            System.out.println("rmdir " + fs.rmdir(base + "/busy").outcome());

            // remove() on a box whose process dies 150 ms later: rmdir refuses until then.
            Thread killer = new Thread(() -> {
                Spawner.sleepMicros(150_000);
                fs.write(base + "/busy", "cgroup.kill", "1");
            });
            killer.start();
            driver.remove("busy");
            killer.join();
            System.out.println("remove " + (fs.exists(base + "/busy") ? "left-it" : "ok"));

            // Reads racing with rmdir: a cgroup being removed answers open with ENODEV for a moment.
            String racing = base + "/racing";
            AtomicBoolean stop = new AtomicBoolean();
            Thread churn = new Thread(() -> {
                while (!stop.get()) {
                    fs.mkdir(racing);
                    fs.rmdir(racing);
                    // A removed box's cgroup is not made again at once. (Made again within
                    // microseconds, each retry can meet the next removal's ENODEV window.)
                    Spawner.sleepMicros(200);
                }
            });
            churn.setDaemon(true);
            churn.start();
            Path events = mount.resolve(racing + "/cgroup.events");
            int reads = 0;
            int errors = 0;
            int rawRefusals = 0;
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            try {
                while (System.nanoTime() < end) {
                    reads++;
                    try {
                        fs.read(racing, "cgroup.events");
                    } catch (RuntimeException e) {
                        errors++;
                        System.out.println("read-error " + e.getMessage());
                    }
                    try {
                        Files.readString(events);
                    } catch (NoSuchFileException e) {
                        // gone: the plain case
                    } catch (IOException e) {
                        rawRefusals++;   // ENODEV from open (FileSystemException) or from read (plain IOException)
                    }
                }
            } finally {
                stop.set(true);
                churn.join();
            }
            fs.rmdir(racing);
            System.out.println("reads " + reads);
            System.out.println("read-errors " + errors);
            System.out.println("raw-refusals " + rawRefusals);
        } finally {
            driver.close();
        }
    }
}
