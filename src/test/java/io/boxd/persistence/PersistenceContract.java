package io.boxd.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.box.Box;
import io.boxd.box.BoxEvent;
import io.boxd.box.BoxPage;
import io.boxd.box.BoxProblems;
import io.boxd.box.BoxService;
import io.boxd.box.BoxState;
import io.boxd.box.NewBox;
import io.boxd.box.OwnerMark;
import io.boxd.driver.DriverException;
import io.boxd.limits.CpuMax;
import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import io.boxd.reconcile.ReconcileReport;
import io.boxd.reconcile.Reconciler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What boxd keeps in its database, against whichever database the concrete class names: the same
 * tests run on H2 ({@link H2PersistenceTest}), on a real PostgreSQL server
 * ({@link PostgresPersistenceTest}) and on a PostgreSQL container ({@link TestcontainersPersistenceTest}).
 * The kernel is replaced by {@link FakeDriver}: this is about records, versions, labels, history
 * and reconcile runs. Every test works on ids and labels of its own, so the order of tests and
 * the rows other tests leave do not matter.
 */
@Import(PersistenceContract.FakeDriverConfig.class)
abstract class PersistenceContract {

    static final Path FAKE_MOUNT = FakeDriver.fakeMount();

    @DynamicPropertySource
    static void kernelless(DynamicPropertyRegistry r) {
        r.add("boxd.cgroup.mount", FAKE_MOUNT::toString);
        r.add("boxd.driver", () -> "cgroupfs");
        // Reconciliation runs only when a test asks; orphans are reported, never touched.
        r.add("boxd.reconcile.interval", () -> "0");
        r.add("boxd.reconcile.orphans", () -> "report");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class FakeDriverConfig {
        @Bean
        @Primary
        FakeDriver fakeDriver() throws IOException {
            return new FakeDriver(Files.createTempDirectory("boxd-fake-boxes-"));
        }
    }

    /** "H2" or "PostgreSQL": what DatabaseMetaData must report, so a test can never run on the wrong one. */
    abstract String expectedDatabase();

    @Autowired
    BoxService service;
    @Autowired
    Reconciler reconciler;
    @Autowired
    FakeDriver driver;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    ApplicationContext ctx;
    @Autowired
    Environment env;

    Records records;
    /** A prefix for this test's ids and its label value: unique per test and per run. */
    String tag;

    @BeforeEach
    void setUp(TestInfo info) {
        records = new Records(ctx);
        String method = info.getTestMethod().map(m -> m.getName()).orElse("t").toLowerCase();
        tag = method.replaceAll("[^a-z0-9]", "").substring(0, Math.min(20, method.length())) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- the schema ----------------------------------------------------------------------------

    @Test
    void runsOnTheExpectedDatabaseWithEveryMigrationApplied() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).startsWith(expectedDatabase());
        }
        if (expectedDatabase().equals("PostgreSQL")) {
            assertThat(env.getActiveProfiles()).as("PostgreSQL runs through the postgres profile").contains("postgres");
        }
        List<String> files = Arrays.stream(new PathMatchingResourcePatternResolver()
                        .getResources("classpath:db/migration/V*__*.sql"))
                .map(r -> r.getFilename().substring(1, r.getFilename().indexOf("__")))
                .sorted(Comparator.comparingInt(Integer::parseInt)).toList();
        assertThat(files).as("migrations on the classpath").contains("1", "2");
        // Flyway quotes its lower-case names on H2; quoted, the same query works on both.
        List<String> applied = jdbc.sql("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" = TRUE"
                + " AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"").query(String.class).list();
        assertThat(applied).as("every migration applied, in order").containsExactlyElementsOf(files);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\" = FALSE").query(Long.class).single())
                .isZero();
    }

    @Test
    void h2HousekeepingRunsOnTheH2FileAndNotOnPostgres() throws Exception {
        SmartLifecycle housekeeping = ctx.getBean("h2Housekeeping", SmartLifecycle.class);
        boolean h2 = expectedDatabase().equals("H2");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (housekeeping.isRunning() != h2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        // on H2 it has run for a while by now (the interval is 1 s), and must still run
        Thread.sleep(1500);
        assertThat(housekeeping.isRunning()).as("H2 housekeeping running on " + expectedDatabase()).isEqualTo(h2);
    }

    @Test
    void theDatabaseHasOneIdAndEveryBoxItMakesIsMarkedWithIt() {
        List<String> ids = jdbc.sql("SELECT id FROM boxd_owner").query(String.class).list();
        assertThat(ids).hasSize(1);
        assertThat(ctx.getBean(OwnerMark.class).id()).isEqualTo(ids.get(0));
        Box made = create(new NewBox(id("m"), null, null, null));
        assertThat(driver.markOf(made.id())).contains(ids.get(0));
    }

    // ---- create, read, update --------------------------------------------------------------------

    @Test
    void createdBoxReadsBackExactly() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("team", "storage");
        labels.put("boxd.io/owner", "ci-runner_7");
        labels.put("note", "größe ✓ & 'quotes' \"and\" =signs= ;--");
        labels.put("long", "v".repeat(255));
        labels.put("wide", "\uD83D\uDE00".repeat(255));   // 255 characters, 510 UTF-16 units
        Limits limits = new Limits(LimitValue.of(64L << 20), LimitValue.of(48L << 20), LimitValue.UNLIMITED,
                new CpuMax(LimitValue.of(50_000), 100_000L), 200, LimitValue.UNLIMITED);
        Box made = create(new NewBox(id("a"), null, limits, labels));

        Box read = service.get(made.id());
        assertThat(read).isEqualTo(made);
        assertThat(read.state()).isEqualTo(BoxState.CREATED);
        assertThat(read.labels()).isEqualTo(new java.util.TreeMap<>(labels));
        assertThat(read.limits()).isEqualTo(limits);
        assertThat(read.enforced()).isEqualTo(limits);
        assertThat(read.createdAt()).isEqualTo(made.createdAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(version(made.id())).as("an insert and one update").isEqualTo(1L);
    }

    @Test
    void everyUpdateBumpsTheVersionAndKeepsLabels() {
        Box made = create(new NewBox(id("a"), null, null, Map.of("k1", "v1", "k2", "v2")));
        long v0 = version(made.id());

        Limits next = new Limits(LimitValue.of(32L << 20), null, null, null, 50, null);
        Box patched = service.patch(made.id(), next);
        assertThat(version(made.id())).isEqualTo(v0 + 1);
        assertThat(patched.limits().memoryMaxBytes()).isEqualTo(LimitValue.of(32L << 20));
        assertThat(patched.limits().cpuWeight()).isEqualTo(50);
        assertThat(patched.limits().pidsMax()).as("kept from before the patch").isEqualTo(made.limits().pidsMax());

        Box killed = service.kill(made.id());
        assertThat(version(made.id())).isEqualTo(v0 + 2);
        assertThat(service.get(made.id())).isEqualTo(killed);
        assertThat(killed.state()).isEqualTo(BoxState.STOPPED);
        assertThat(killed.labels()).isEqualTo(Map.of("k1", "v1", "k2", "v2"));
        assertThat(killed.updatedAt()).isAfterOrEqualTo(made.updatedAt());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM box_label WHERE box_id = ?").param(made.id()).query(Long.class).single())
                .as("label rows are replaced, never duplicated").isEqualTo(2L);
    }

    @Test
    void aStaleCopyLosesTheOptimisticLock() {
        Box made = create(new NewBox(id("a"), null, null, Map.of("k", "v")));
        Object first = records.find(made.id()).orElseThrow();
        Object second = records.find(made.id()).orElseThrow();

        Records.set(first, "counters", "oom=1");
        records.save(first);
        Records.set(second, "counters", "oom=2");
        assertThatThrownBy(() -> records.save(second)).isInstanceOf(OptimisticLockingFailureException.class);

        Object now = records.find(made.id()).orElseThrow();
        assertThat(Records.get(now, "counters")).isEqualTo("oom=1");
        assertThat(service.get(made.id()).labels()).isEqualTo(Map.of("k", "v"));
    }

    // ---- one id, one box -------------------------------------------------------------------------

    @Test
    void concurrentCreatesOfOneIdHaveExactlyOneWinner() throws Exception {
        String id = id("dup");
        List<Callable<Box>> calls = Collections.nCopies(8, () -> service.create(new NewBox(id, null, noPids(), Map.of())));
        List<Object> results = runTogether(calls);

        assertThat(results).filteredOn(Box.class::isInstance).hasSize(1);
        assertThat(results).filteredOn(r -> !(r instanceof Box)).hasSize(7)
                .allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(BoxProblems.Conflict.class,
                        c -> assertThat(c.kind()).isEqualTo("box-exists")));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM box WHERE id = ?").param(id).query(Long.class).single()).isEqualTo(1L);
        assertThat(service.events(id)).extracting(BoxEvent::type).containsExactly("created");
    }

    @Test
    void anIdAnotherWriterHoldsIsAConflictAndStaysTheirs() {
        String id = id("theirs");
        records.save(Records.newRecord(id, "other-node"));

        assertThatThrownBy(() -> service.create(new NewBox(id, null, noPids(), Map.of("mine", "yes"))))
                .isInstanceOfSatisfying(BoxProblems.Conflict.class, c -> assertThat(c.kind()).isEqualTo("box-exists"));
        Box kept = service.get(id);
        assertThat(kept.driver()).isEqualTo("other-node");
        assertThat(kept.labels()).isEmpty();
        assertThat(driver.exists(id)).as("no cgroup for the loser").isFalse();
    }

    @Test
    void twoTransactionsInsertingOneIdHaveOneWinner() throws Exception {
        String id = id("tx");
        CountDownLatch firstInserted = new CountDownLatch(1);
        Callable<Object> first = () -> tx.execute(s -> {
            Object saved = records.save(Records.newRecord(id, "node-1"));
            firstInserted.countDown();
            sleep(Duration.ofMillis(300));
            return saved;
        });
        Callable<Object> second = () -> {
            assertThat(firstInserted.await(10, TimeUnit.SECONDS)).isTrue();
            return tx.execute(s -> records.save(Records.newRecord(id, "node-2")));
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Object> f1 = pool.submit(first);
            Future<Object> f2 = pool.submit(second);
            assertThat(f1.get(30, TimeUnit.SECONDS)).isNotNull();
            Throwable lost = catchCause(f2);
            assertThat(lost).as("the second insert must fail").isNotNull();
            assertThat(chain(lost)).as("a database error, not a lost write: %s", lost)
                    .anyMatch(DataAccessException.class::isInstance);
        } finally {
            pool.shutdownNow();
        }
        assertThat(service.get(id).driver()).isEqualTo("node-1");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM box WHERE id = ?").param(id).query(Long.class).single()).isEqualTo(1L);
    }

    @Test
    void aFailedCreateLeavesNoRowLabelOrEvent() {
        String id = id("fail");
        driver.failNextCreate(id);
        assertThatThrownBy(() -> service.create(new NewBox(id, null, noPids(), Map.of("k", "v"))))
                .isInstanceOf(DriverException.class);
        assertThatThrownBy(() -> service.get(id)).isInstanceOf(BoxProblems.NotFound.class);
        for (String table : List.of("box WHERE id", "box_label WHERE box_id", "box_event WHERE box_id")) {
            assertThat(jdbc.sql("SELECT COUNT(*) FROM " + table + " = ?").param(id).query(Long.class).single())
                    .as(table).isZero();
        }
        // The id is free again.
        assertThat(create(new NewBox(id, null, noPids(), Map.of())).id()).isEqualTo(id);
    }

    // ---- listing ---------------------------------------------------------------------------------

    @Test
    void labelsFilterAndPagesFollowCreationOrder() {
        List<Box> boxes = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("run", tag);
            labels.put("team", i < 5 ? "a" : "b");
            if (i % 2 == 0) {
                labels.put("env", "prod=eu");
            }
            boxes.add(create(new NewBox(id("l" + i), null, noPids(), labels)));
        }
        List<String> inOrder = boxes.stream().sorted(Comparator.comparing(Box::createdAt).thenComparing(Box::id))
                .map(Box::id).toList();

        List<String> paged = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            BoxPage p = service.list(null, List.of("run=" + tag), page, 3);
            assertThat(p.total()).isEqualTo(7);
            assertThat(p.page()).isEqualTo(page);
            assertThat(p.size()).isEqualTo(3);
            assertThat(p.items()).hasSize(page < 2 ? 3 : 1);
            p.items().forEach(b -> paged.add(b.id()));
        }
        assertThat(paged).as("pages in (createdAt, id) order, no gaps or repeats").isEqualTo(inOrder);
        BoxPage pastTheEnd = service.list(null, List.of("run=" + tag), 3, 3);
        assertThat(pastTheEnd.items()).isEmpty();
        assertThat(pastTheEnd.total()).as("a page past the end still has the total").isEqualTo(7);

        BoxPage prodA = service.list(null, List.of("run=" + tag, "team=a", "env=prod=eu"), 0, 100);
        assertThat(prodA.items()).extracting(Box::id)
                .containsExactlyElementsOf(inOrder.stream().filter(x -> List.of(id("l0"), id("l2"), id("l4")).contains(x)).toList());
        assertThat(prodA.total()).isEqualTo(3);
        assertThat(prodA.items()).allSatisfy(b -> assertThat(b.labels()).containsEntry("team", "a").containsEntry("env", "prod=eu"));

        assertThat(service.list(null, List.of("run=" + tag, "team=b", "env=prod=eu"), 0, 100).items())
                .extracting(Box::id).containsExactly(id("l6"));
        assertThat(service.list(null, List.of("run=" + tag, "team=c"), 0, 100).total()).isZero();
        assertThat(service.list(null, List.of("run=" + tag.toUpperCase()), 0, 100).total())
                .as("label values match exactly, case included").isZero();

        service.kill(id("l3"));
        BoxPage stopped = service.list("stopped", List.of("run=" + tag), 0, 100);
        assertThat(stopped.items()).extracting(Box::id).containsExactly(id("l3"));
        assertThat(service.list("created", List.of("run=" + tag), 0, 100).total()).isEqualTo(6);
    }

    @Test
    void aPageAndItsTotalAreOneReadingWhileBoxesAreCreated() throws Exception {
        int made = 200;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> creating = pool.submit(() -> {
                for (int i = 0; i < made; i++) {
                    create(new NewBox(id("c" + i), null, noPids(), Map.of("run", tag)));
                }
                return null;
            });
            int readings = 0;
            List<String> disagreements = new ArrayList<>();
            while (!creating.isDone() || readings == 0) {
                BoxPage p = service.list(null, List.of("run=" + tag), 0, 500);
                readings++;
                if (p.items().size() != p.total()) {
                    disagreements.add("total " + p.total() + ", items " + p.items().size());
                }
            }
            creating.get(60, TimeUnit.SECONDS);
            assertThat(disagreements).as("pages whose total is not their item count, of %d", readings).isEmpty();
            assertThat(service.list(null, List.of("run=" + tag), 0, 500).total()).isEqualTo(made);

            // While boxes leave the state listed, a page holds only boxes in that state, as many as its total.
            Future<?> killing = pool.submit(() -> {
                for (int i = 0; i < made; i += 2) {
                    service.kill(id("c" + i));
                }
                return null;
            });
            readings = 0;
            while (!killing.isDone() || readings == 0) {
                BoxPage p = service.list("created", List.of("run=" + tag), 0, 500);
                readings++;
                if (p.items().size() != p.total()) {
                    disagreements.add("total " + p.total() + ", items " + p.items().size());
                }
                p.items().stream().filter(b -> b.state() != BoxState.CREATED)
                        .forEach(b -> disagreements.add(b.id() + " listed as created is " + b.state()));
            }
            killing.get(60, TimeUnit.SECONDS);
            assertThat(disagreements).as("pages of created boxes that were not, of %d", readings).isEmpty();
            assertThat(service.list("created", List.of("run=" + tag), 0, 500).total()).isEqualTo(made / 2);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- history ---------------------------------------------------------------------------------

    @Test
    void eventsComeBackInTheOrderTheyHappened() {
        String a = id("a");
        String b = id("b");
        create(new NewBox(a, null, noPids(), Map.of()));
        create(new NewBox(b, null, noPids(), Map.of()));
        service.patch(a, new Limits(null, null, null, null, 10, null));
        service.adopt(a, 4242);
        service.patch(b, new Limits(null, null, null, null, 20, null));
        service.kill(a);
        service.patch(a, new Limits(null, null, null, null, 30, null));
        service.delete(a, false);

        List<BoxEvent> events = service.events(a);
        assertThat(events).extracting(BoxEvent::type)
                .containsExactly("created", "limits-changed", "process-adopted", "killed", "limits-changed", "removed");
        assertThat(events).allSatisfy(e -> assertThat(e.boxId()).isEqualTo(a));
        assertThat(events).extracting(BoxEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(events).extracting(BoxEvent::at).isSorted();
        assertThat(events.get(1).detail()).contains("cpuWeight=10");
        assertThat(service.events(b)).extracting(BoxEvent::type).containsExactly("created", "limits-changed");

        Box removed = service.get(a);
        assertThat(removed.state()).as("a removed box keeps its record").isEqualTo(BoxState.REMOVED);
        assertThat(service.list("removed", List.of(), 0, 500).items()).extracting(Box::id).contains(a);
    }

    @Test
    void aProcessWhoseArgvOutgrowsTheEventColumnIsRecordedCutNotRefused() {
        // The event is written after the process started: refusing it would answer 500 for a
        // process that runs, with no history of it.
        String a = id("argv");
        create(new NewBox(a, null, noPids(), Map.of()));
        List<String> argv = List.of("sh", "-c", "echo " + "x".repeat(4090), "y".repeat(4096));
        service.spawn(a, new io.boxd.box.NewProcess(argv, null, null, null, null));

        BoxEvent started = service.events(a).stream().filter(e -> e.type().equals("process-started")).findFirst().orElseThrow();
        assertThat(started.detail()).hasSize(4000).startsWith("pid ").endsWith("characters, cut to fit)");
        assertThat(service.get(a).state()).isEqualTo(BoxState.RUNNING);
    }

    @Test
    void aRequestThatFindsTheCgroupGoneMakesTheBoxLostAndSaysSo() {
        String gone = id("gone-at-request");
        create(new NewBox(gone, null, noPids(), Map.of()));
        driver.vanish(gone);   // unseen by any watch: only the request finds it
        assertThatThrownBy(() -> service.patch(gone, new Limits(null, null, null, null, 10, null)))
                .isInstanceOfSatisfying(BoxProblems.Conflict.class, c -> assertThat(c.getMessage()).contains("is LOST"));
        assertThat(service.get(gone).state()).isEqualTo(BoxState.LOST);
        assertThat(service.events(gone)).extracting(BoxEvent::type).containsExactly("created", "lost");
    }

    // ---- reconciliation --------------------------------------------------------------------------

    @Test
    void everyReconcilePassIsARow() throws Exception {
        // Settle what other tests left (records another "node" wrote have no cgroup: LOST).
        reconciler.run("persistence-settle");
        String gone = id("gone");
        create(new NewBox(gone, null, noPids(), Map.of()));
        driver.vanish(gone);
        List<String> orphans = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            // Long names make the report far larger than any VARCHAR(4000).
            String o = (tag + "-orphan-" + i + "-").concat("x".repeat(40)).substring(0, 60);
            driver.addOrphan(o);
            orphans.add(o);
        }
        long before = runs();

        ReconcileReport r = reconciler.run("persistence-" + tag.substring(tag.length() - 8));
        assertThat(runs()).isEqualTo(before + 1);
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.orphansReported()).isEqualTo(120);
        assertThat(service.get(gone).state()).isEqualTo(BoxState.LOST);
        assertThat(service.events(gone)).extracting(BoxEvent::type).containsExactly("created", "lost");

        Map<String, Object> row = latestRun();
        assertThat(row.get("trigger_name")).isEqualTo(r.trigger());
        String report = (String) row.get("report");
        assertThat(report.length()).isGreaterThan(4000);
        JsonNode json = JsonMapper.builder().build().readTree(report);
        assertThat(json.path("orphansReported").asInt()).isEqualTo(120);
        assertThat(json.path("lost").asInt()).isEqualTo(1);
        assertThat(json.path("trigger").asString()).isEqualTo(r.trigger());
        List<String> paths = new ArrayList<>();
        json.path("orphans").forEach(o -> paths.add(o.path("path").asString()));
        assertThat(paths).containsAll(orphans.stream().map(driver::cgroupPath).toList());
        Instant started = ((java.sql.Timestamp) row.get("started_at")).toInstant();
        assertThat(Duration.between(r.startedAt(), started).abs()).isLessThan(Duration.ofMillis(1));

        orphans.forEach(driver::vanish);
        ReconcileReport again = reconciler.run("persistence-again");
        assertThat(runs()).isEqualTo(before + 2);
        assertThat(latestRun().get("trigger_name")).as("newest run by id").isEqualTo("persistence-again");
        assertThat(again.lost()).as("LOST is final: counted once").isZero();
        assertThat(again.orphansReported()).isZero();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    String id(String suffix) {
        return tag + "-" + suffix;
    }

    Box create(NewBox req) {
        return service.create(req);
    }

    /** No pids limit, so the default pidsMax never matters here. */
    static Limits noPids() {
        return new Limits(null, null, null, null, null, LimitValue.UNLIMITED);
    }

    long version(String id) {
        return jdbc.sql("SELECT version FROM box WHERE id = ?").param(id).query(Long.class).single();
    }

    long runs() {
        return jdbc.sql("SELECT COUNT(*) FROM reconcile_run").query(Long.class).single();
    }

    Map<String, Object> latestRun() {
        Map<String, Object> row = new LinkedHashMap<>();
        jdbc.sql("SELECT trigger_name, started_at, report FROM reconcile_run ORDER BY id DESC LIMIT 1").query(rs -> {
            row.put("trigger_name", rs.getString("trigger_name"));
            row.put("started_at", rs.getTimestamp("started_at"));
            row.put("report", rs.getString("report"));
        });
        return row;
    }

    /** Runs every call at once (released by one latch) and returns each result or exception. */
    static <T> List<Object> runTogether(List<Callable<T>> calls) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> c : calls) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return c.call();
                }));
            }
            go.countDown();
            List<Object> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(f.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    out.add(e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a call did not finish in 60 s", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static Throwable catchCause(Future<?> f) throws InterruptedException, java.util.concurrent.TimeoutException {
        try {
            f.get(30, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    static List<Throwable> chain(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
            out.add(c);
        }
        return out;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
