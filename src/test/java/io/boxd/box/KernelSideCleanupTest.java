package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.driver.DriverException;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import io.boxd.reconcile.Reconciler;
import io.boxd.testkit.Kernel;
import io.boxd.testkit.DriverProxy;
import io.boxd.testkit.Scratch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.Watchable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestExecutionListeners;

/**
 * What boxd leaves in the kernel when a step fails or races: cgroups and inotify watches (on
 * cgroupfs a watch outlives the rmdir, pinning the inode). The real cgroupfs driver runs behind a
 * proxy through which a test can fail or pause one call for one box.
 */
@SpringBootTest
@TestExecutionListeners(listeners = Scratch.CleanUp.class, mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
class KernelSideCleanupTest {

    private static final Scratch SCRATCH = Scratch.create("cleanup");
    private static final Path BASE_DIR = SCRATCH.baseDir;
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Limits UNLIMITED_PIDS = new Limits(null, null, null, null, null, LimitValue.UNLIMITED);

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        SCRATCH.register(r);
        // Only the test's own passes and inotify may change a box.
        r.add("boxd.reconcile.interval", () -> "0");
    }

    /** Called around every driver call that names a box; a test sets one and clears it after. */
    interface Hook {
        default void before(String method, String id) {
        }

        default void after(String method, String id) {
        }
    }

    static volatile Hook hook;

    @TestConfiguration(proxyBeanMethods = false)
    static class DriverHooks {
        @Bean
        static BeanPostProcessor hookedDriver() {
            return DriverProxy.around((m, args, driver, real) -> {
                String id = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
                Hook h = hook;
                if (h != null && id != null) {
                    h.before(m.getName(), id);
                }
                Object out = real.call();
                if (h != null && id != null) {
                    h.after(m.getName(), id);
                }
                return out;
            });
        }
    }

    @Autowired
    BoxService service;
    @Autowired
    ExitWatcher watcher;
    @Autowired
    Reconciler reconciler;
    @Autowired
    BoxLocks locks;
    @Autowired
    JdbcTemplate jdbc;

    /**
     * Its own threads for the racing calls, which block. On a 2-core host Java 17's
     * CompletableFuture made a thread per task, but JDK 25's runs them on the common pool's one
     * worker: there the probe that lockIsFree queued behind a blocked pass never ran.
     */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void unhook() {
        hook = null;
        threads.shutdownNow();
    }

    // ---- a create whose record cannot be saved ------------------------------------------------

    @Test
    void aCreateWhoseRecordCannotBeSavedRemovesItsCgroupAndItsWatch() {
        String id = nextId();
        long[] inode = {0};
        hook = new Hook() {
            @Override
            public void after(String method, String box) {
                if (method.equals("create") && box.equals(id)) {
                    inode[0] = Kernel.inode(BASE_DIR.resolve(id));
                    staleRecord(id);
                }
            }
        };
        assertThatThrownBy(() -> create(id)).isInstanceOf(OptimisticLockingFailureException.class);
        assertThat(inode[0]).as("the driver made the cgroup").isPositive();
        assertThat(BASE_DIR.resolve(id)).as("the failed create's cgroup").doesNotExist();
        assertThat(stateInDb(id)).as("the failed create's record").isNull();
        assertThat(watcher.watching(id)).isFalse();
        assertThat(Kernel.inotifyWatchedInodes()).as("the failed create's watch").doesNotContain(inode[0]);
    }

    @Test
    void aCreateWhoseCgroupCannotBeRemovedEitherKeepsItsCreatingRecordForReconcileToRollBack() {
        String id = nextId();
        long[] inode = {0};
        AtomicBoolean failRemove = new AtomicBoolean(true);
        hook = new Hook() {
            @Override
            public void before(String method, String box) {
                if (method.equals("remove") && box.equals(id) && failRemove.getAndSet(false)) {
                    throw new DriverException("injected: rmdir failed");
                }
            }

            @Override
            public void after(String method, String box) {
                if (method.equals("create") && box.equals(id)) {
                    inode[0] = Kernel.inode(BASE_DIR.resolve(id));
                    staleRecord(id);
                }
            }
        };
        assertThatThrownBy(() -> create(id)).isInstanceOf(OptimisticLockingFailureException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).anyMatch(s -> s.getMessage().contains("injected")));
        assertThat(stateInDb(id)).as("the intent stays while its cgroup does").isEqualTo("CREATING");
        assertThat(BASE_DIR.resolve(id)).isDirectory();
        assertThat(Kernel.inotifyWatchedInodes()).doesNotContain(inode[0]);

        reconciler.run("manual");
        assertThat(stateInDb(id)).as("reconcile rolled the create back").isNull();
        assertThat(BASE_DIR.resolve(id)).doesNotExist();
        assertThat(Kernel.inotifyWatchedInodes()).doesNotContain(inode[0]);
    }

    // ---- reconcile drops the watches of what it removes ---------------------------------------

    @Test
    void reconcileRollingBackAWatchedCreatingBoxDropsItsWatch() {
        String id = nextId();
        create(id);
        long inode = Kernel.inode(BASE_DIR.resolve(id));
        assertThat(Kernel.inotifyWatchedInodes()).contains(inode);
        // As a crash between the mkdir and the CREATED write leaves it, watched.
        jdbc.update("UPDATE box SET state = 'CREATING' WHERE id = ?", id);

        reconciler.run("manual");
        assertThat(stateInDb(id)).isNull();
        assertThat(BASE_DIR.resolve(id)).doesNotExist();
        assertThat(watcher.watching(id)).isFalse();
        assertThat(Kernel.inotifyWatchedInodes()).as("the rolled-back box's watch").doesNotContain(inode);
    }

    @Test
    void reapingAWatchedOrphanDropsItsWatch() {
        String id = nextId();
        create(id);
        long inode = Kernel.inode(BASE_DIR.resolve(id));
        assertThat(Kernel.inotifyWatchedInodes()).contains(inode);
        // The record goes, the cgroup and its watch stay: an orphan (the policy here is reap).
        jdbc.update("DELETE FROM box_event WHERE box_id = ?", id);
        jdbc.update("DELETE FROM box_label WHERE box_id = ?", id);
        jdbc.update("DELETE FROM box WHERE id = ?", id);

        reconciler.run("manual");
        assertThat(BASE_DIR.resolve(id)).as("the reaped orphan").doesNotExist();
        assertThat(watcher.watching(id)).isFalse();
        assertThat(Kernel.inotifyWatchedInodes()).as("the reaped orphan's watch").doesNotContain(inode);
    }

    // ---- reconcile racing a delete ------------------------------------------------------------

    /**
     * Two pauses line the race up: the reconcile thread stops at any {@code exists} it asks
     * without holding the box's lock (a pass that registers watches outside the lock does), and
     * the delete stops at its rmdir, after its unwatch, while more passes run.
     */
    @Test
    void aReconcilePassRacingADeleteLeavesNoWatchOnTheRemovedBox() throws Exception {
        String id = nextId();
        create(id);
        long inode = Kernel.inode(BASE_DIR.resolve(id));
        CountDownLatch atExists = new CountDownLatch(1);
        CountDownLatch resumeExists = new CountDownLatch(1);
        CountDownLatch atRemove = new CountDownLatch(1);
        CountDownLatch resumeRemove = new CountDownLatch(1);
        AtomicBoolean existsArmed = new AtomicBoolean(true);
        AtomicBoolean removeArmed = new AtomicBoolean(true);
        hook = new Hook() {
            @Override
            public void before(String method, String box) {
                if (!box.equals(id)) {
                    return;
                }
                if (method.equals("exists") && Thread.currentThread().getName().startsWith("boxd-reconcile")
                        && lockIsFree(id) && existsArmed.getAndSet(false)) {
                    atExists.countDown();
                    await(resumeExists);
                }
                if (method.equals("remove") && removeArmed.getAndSet(false)) {
                    atRemove.countDown();
                    await(resumeRemove);
                }
            }
        };
        CompletableFuture<?> pass = CompletableFuture.runAsync(() -> reconciler.run("manual"), threads);
        while (!atExists.await(10, TimeUnit.MILLISECONDS) && !pass.isDone()) {
            // either the pass stopped outside the lock, or it finished
        }
        CompletableFuture<?> delete = CompletableFuture.runAsync(() -> service.delete(id, true), threads);
        try {
            assertThat(atRemove.await(30, TimeUnit.SECONDS)).as("the delete reached its rmdir").isTrue();
            resumeExists.countDown();
            pass.get(60, TimeUnit.SECONDS);
            // Passes while the delete holds the box must leave it alone.
            reconciler.run("manual");
            reconciler.run("periodic");
        } finally {
            resumeExists.countDown();
            resumeRemove.countDown();
        }
        delete.get(60, TimeUnit.SECONDS);
        assertThat(stateInDb(id)).isEqualTo("REMOVED");
        assertThat(BASE_DIR.resolve(id)).doesNotExist();
        assertThat(watcher.watching(id)).isFalse();
        assertThat(Kernel.inotifyWatchedInodes()).as("the deleted box's watch").doesNotContain(inode);
    }

    // ---- the exit watcher ----------------------------------------------------------------------

    @Test
    void anInotifyOverflowMakesTheWatcherCheckEveryWatchedBox() {
        List<String> ids = List.of(nextId(), nextId());
        for (String id : ids) {
            create(id);
            // The exits that the lost events told of: RUNNING on record, empty in the kernel.
            jdbc.update("UPDATE box SET state = 'RUNNING' WHERE id = ?", id);
        }
        watcher.onKey(overflowKey());
        for (String id : ids) {
            assertThat(waitForState(id, "EXITED", 5000)).as("%s after the overflow", id).isLessThan(5000);
            assertThat(types(id)).last().isEqualTo("exited");
        }
    }

    @Test
    void aCheckThatFailsOnARemovedBoxIsTriedAgainUntilTheBoxIsLost() throws Exception {
        String id = nextId();
        create(id);
        AtomicInteger asked = failingLooks(id, 3);
        Files.delete(BASE_DIR.resolve(id));   // rmdir outside boxd
        assertThat(waitForState(id, "LOST", 10000)).as("ms until the box is LOST").isLessThan(10000);
        assertThat(asked.get()).as("looks at the cgroup").isEqualTo(4);
        assertThat(types(id)).containsExactly("created", "lost");
        assertThat(watcher.watching(id)).isFalse();
    }

    @Test
    void aCheckThatKeepsFailingStopsAfterItsLastAttempt() throws Exception {
        String id = nextId();
        create(id);
        AtomicInteger asked = failingLooks(id, Integer.MAX_VALUE);
        Files.delete(BASE_DIR.resolve(id));
        for (int i = 0; i < 200 && asked.get() < ExitWatcher.FAILED_ATTEMPTS; i++) {
            Kernel.sleep(50);
        }
        Kernel.sleep(2500);   // more than twice the longest backoff
        assertThat(asked.get()).as("looks at the cgroup").isEqualTo(ExitWatcher.FAILED_ATTEMPTS);
        assertThat(stateInDb(id)).isEqualTo("CREATED");
        hook = null;
        service.delete(id, false);
    }

    @Test
    void aBoxLockedByALongRequestDoesNotHoldUpTheExitsOfOtherBoxes() throws Exception {
        String held = nextId();
        String other = nextId();
        create(held);
        create(other);
        long heldPid = spawnSleep(held);
        long otherPid = spawnSleep(other);
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // As a stop with a long grace holds its box.
        CompletableFuture<?> holder = CompletableFuture.runAsync(() -> locks.with(held, Duration.ofSeconds(60), () -> {
            locked.countDown();
            await(release);
            return null;
        }), threads);
        try {
            assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
            ProcessHandle.of(heldPid).ifPresent(ProcessHandle::destroyForcibly);
            awaitEmpty(BASE_DIR.resolve(held));
            Kernel.sleep(300); // the held box's exit is being handled now
            ProcessHandle.of(otherPid).ifPresent(ProcessHandle::destroyForcibly);
            long ms = waitForState(other, "EXITED", 5000);
            assertThat(ms).as("ms until the other box's exit is recorded").isLessThanOrEqualTo(2000);
            assertThat(stateInDb(held)).as("the held box waits for its lock").isEqualTo("RUNNING");
        } finally {
            release.countDown();
        }
        holder.get(30, TimeUnit.SECONDS);
        assertThat(waitForState(held, "EXITED", 5000)).as("the held box's exit, once its lock is free").isLessThanOrEqualTo(3000);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * Fails the first {@code times} looks at whether box {@code id}'s cgroup exists, as systemd
     * answers a D-Bus error while it reloads; counts every look.
     */
    private static AtomicInteger failingLooks(String id, int times) {
        AtomicInteger asked = new AtomicInteger();
        hook = new Hook() {
            @Override
            public void before(String method, String box) {
                if (method.equals("exists") && box.equals(id) && asked.incrementAndGet() <= times) {
                    throw new DriverException("the manager did not answer (test)");
                }
            }
        };
        return asked;
    }


    private static String nextId() {
        return "k" + IDS.incrementAndGet();
    }

    private Box create(String id) {
        return service.create(new NewBox(id, null, UNLIMITED_PIDS, Map.of()));
    }

    private long spawnSleep(String id) {
        return service.spawn(id, new NewProcess(List.of("sleep", "600"), Map.of(), null, null, null)).pid();
    }

    /** Makes the record's version move under the create, as a concurrent writer or a lost update would: its next save fails. */
    private void staleRecord(String id) {
        jdbc.update("UPDATE box SET version = version + 1 WHERE id = ?", id);
    }

    private String stateInDb(String id) {
        List<String> s = jdbc.queryForList("SELECT state FROM box WHERE id = ?", String.class, id);
        return s.isEmpty() ? null : s.get(0);
    }

    private List<String> types(String id) {
        return service.events(id).stream().map(BoxEvent::type).toList();
    }

    private long waitForState(String id, String state, long maxMillis) {
        long t0 = System.nanoTime();
        while (!state.equals(stateInDb(id)) && System.nanoTime() - t0 < maxMillis * 1_000_000) {
            Kernel.sleep(5);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(stateInDb(id)).as("%s after %d ms", id, ms).isEqualTo(state);
        return ms;
    }

    private static void awaitEmpty(Path cgroup) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Kernel.populated(cgroup) && System.nanoTime() < deadline) {
            Kernel.sleep(5);
        }
        assertThat(Kernel.populated(cgroup)).isFalse();
    }

    /** Asked from another thread: the caller may hold the lock itself, and it is reentrant. */
    private boolean lockIsFree(String id) {
        return CompletableFuture.supplyAsync(() -> locks.tryWith(id, () -> { }), threads).join();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released this pause");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the JDK hands out when the kernel's inotify queue overflowed: OVERFLOW, no file name. */
    private static WatchKey overflowKey() {
        WatchEvent<Object> overflow = new WatchEvent<>() {
            @Override
            public Kind<Object> kind() {
                return StandardWatchEventKinds.OVERFLOW;
            }

            @Override
            public int count() {
                return 1;
            }

            @Override
            public Object context() {
                return null;
            }
        };
        return new WatchKey() {
            @Override
            public boolean isValid() {
                return true;
            }

            @Override
            public List<WatchEvent<?>> pollEvents() {
                return new ArrayList<>(List.of(overflow));
            }

            @Override
            public boolean reset() {
                return true;
            }

            @Override
            public void cancel() {
            }

            @Override
            public Watchable watchable() {
                return null;
            }
        };
    }
}
