package io.boxd.reconcile;

import io.boxd.testkit.Http;
import io.boxd.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.testkit.Kernel.Pid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The kill -9 proof. boxd runs as a real separate JVM on the real kernel; several clients drive a
 * mixed load (create, spawn, kill, delete with and without force) and boxd is SIGKILLed at a random
 * moment. It restarts on the same data dir and cgroup base (as it would on a host), and once
 * readiness is UP (the startup reconcile has run) the test checks, against the kernel itself:
 * <ol type="a">
 *   <li>no cgroup under the base lacks a record in a live state;</li>
 *   <li>no process is left from a deleted box, and no process sits in a cgroup whose record is not live;</li>
 *   <li>every record agrees with the kernel (live ⇔ directory; RUNNING ⇒ populated, allowing the
 *       exit watcher 1 s; CREATED/EXITED/STOPPED ⇒ empty; nothing left CREATING or REMOVING);</li>
 *   <li>no history is lost for an acknowledged operation (201 create ⇒ "created", 201 spawn ⇒
 *       "process-started" with that pid, 200 kill ⇒ "killed", 204 delete ⇒ "removed").</li>
 * </ol>
 * Seeded: {@code -Dboxd.kill9.seed=<n>} reruns the same load and kill moments; the seed is printed
 * and is in every failure message. {@code -Dboxd.kill9.rounds} (default 20), {@code -Dboxd.kill9.clients} (4).
 */
class KillNineFaultInjectionTest {

    private static final int ROUNDS = Integer.getInteger("boxd.kill9.rounds", 20);
    private static final int CLIENTS = Integer.getInteger("boxd.kill9.clients", 4);
    private static final String LIMITS = "\"limits\":{\"pidsMax\":\"max\"}";
    private static final Set<String> LIVE = Set.of("CREATED", "RUNNING", "EXITED", "STOPPED");

    /** What the clients were told about one box. */
    static final class Ledger {
        final String id;
        volatile boolean createAcked;
        final List<Pid> pids = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger killsAcked = new AtomicInteger();
        volatile boolean deleteAcked;
        volatile int lastRound;
        final List<String> trace = Collections.synchronizedList(new ArrayList<>());

        Ledger(String id) {
            this.id = id;
        }
    }

    private final Map<String, Ledger> ledger = new ConcurrentHashMap<>();
    private final List<String> pool = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> tally = new TreeMap<>();

    @Test
    void boxdKilledWithSigkillAtRandomMomentsNeverLeaksNeverLiesAndLosesNoAcknowledgedHistory() throws Exception {
        long seed = Long.getLong("boxd.kill9.seed", new SecureRandom().nextLong());
        System.out.println("[kill9] seed=" + seed + "  (reproduce: -Dboxd.kill9.seed=" + seed + ")  rounds=" + ROUNDS
                + " clients=" + CLIENTS);
        Random rnd = new Random(seed);
        String base = "boxd-kill9-" + UUID.randomUUID().toString().substring(0, 8);
        Path baseDir = Kernel.mount().resolve(base);
        Path tmp = Files.createTempDirectory("boxd-kill9-");
        BoxdJvm jvm = new BoxdJvm(tmp.resolve("data"), base, tmp.resolve("boxd.log"), List.of());
        List<Long> starts = new ArrayList<>();
        try {
            long cold = jvm.start();
            System.out.printf("[kill9] first start (fresh data dir, no CDS archive): ready in %d ms%n", cold);
            jvm.stop(); // graceful, so that the CDS archive is written for the rounds
            for (int round = 1; round <= ROUNDS; round++) {
                long ready = jvm.start();
                starts.add(ready);
                String report = jvm.rest().get("/v1/reconcile/last").body();
                long v0 = System.nanoTime();
                verify(jvm, baseDir, base, seed, round, false);
                long verifyMs = (System.nanoTime() - v0) / 1_000_000;
                long killAfter = 200 + rnd.nextInt(3300);
                String load = loadThenKill(jvm, round, rnd.nextLong(), killAfter, seed);
                System.out.printf("[kill9] round %d: ready in %d ms; startup reconcile %s; checks %d ms; load: %s%n", round,
                        ready, brief(report), verifyMs, load);
            }
            long ready = jvm.start();
            starts.add(ready);
            System.out.printf("[kill9] final start: ready in %d ms; startup reconcile %s%n", ready,
                    brief(jvm.rest().get("/v1/reconcile/last").body()));
            verify(jvm, baseDir, base, seed, ROUNDS + 1, true);
            jvm.stop();
            long avg = starts.stream().mapToLong(Long::longValue).sum() / starts.size();
            System.out.printf("[kill9] PASSED seed=%d: %d kill -9 rounds, %d boxes, requests by outcome %s; "
                    + "restart to readiness avg %d ms (min %d, max %d)%n", seed, ROUNDS, ledger.size(), tally, avg,
                    Collections.min(starts), Collections.max(starts));
        } catch (AssertionError | RuntimeException e) {
            // A check that failed on a reply (a 500, say) names the symptom; boxd's log has the cause.
            throw new AssertionError("seed=" + seed + ": " + e.getMessage() + "\nboxd log from its last ERROR:\n" + jvm.lastError(), e);
        } finally {
            jvm.close();
            int left = Math.max(0, Kernel.killAndRemove(baseDir) - 1);
            for (Ledger l : ledger.values()) {
                for (Pid p : List.copyOf(l.pids)) {
                    if (Kernel.alive(p)) {
                        ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
            Kernel.deleteTree(tmp);
            System.out.println("[kill9] cleanup: removed " + left + " cgroups under " + baseDir + " (the live boxes), and " + tmp);
        }
        assertThat(baseDir).doesNotExist();
        assertThat(Kernel.processesUnder(base)).isEmpty();
    }

    // ---- the load ----------------------------------------------------------------------------

    private String loadThenKill(BoxdJvm jvm, int round, long loadSeed, long killAfterMillis, long seed) throws Exception {
        AtomicBoolean killing = new AtomicBoolean();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger cut = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            Random r = new Random(loadSeed + t);
            Http rest = new Http(jvm.port());
            int client = t;
            Thread th = new Thread(() -> client(rest, r, round, client, killing, problems, sent, cut), "kill9-client-" + t);
            clients.add(th);
        }
        clients.forEach(Thread::start);
        Thread.sleep(killAfterMillis);
        killing.set(true);
        int code = jvm.kill9();
        for (Thread th : clients) {
            th.join(120_000);
        }
        assertThat(code).as("seed=%d round=%d: boxd's exit status after destroyForcibly must be 137 (SIGKILL)", seed, round)
                .isEqualTo(137);
        assertThat(problems).as("seed=%d round=%d: unexpected replies while boxd was up", seed, round).isEmpty();
        return String.format("kill -9 (exit 137) after %d ms, %d requests sent, %d cut by the kill", killAfterMillis,
                sent.get(), cut.get());
    }

    private void client(Http rest, Random r, int round, int client, AtomicBoolean killing, List<String> problems,
                        AtomicInteger sent, AtomicInteger cut) {
        int n = 0;
        while (true) {
            String op;
            String id;
            String method;
            String path;
            String body = null;
            double x = r.nextDouble();
            String picked = pick(r);
            if (picked == null || x < (pool.size() < 8 ? 0.5 : 0.25)) {
                op = "create";
                id = "k" + round + "-" + client + "-" + (n++);
                ledger.put(id, new Ledger(id));
                pool.add(id);
                method = "POST";
                path = "/v1/boxes";
                body = "{\"id\":\"" + id + "\"," + LIMITS + "}";
            } else {
                id = picked;
                double y = r.nextDouble();
                if (y < 0.45) {
                    op = "spawn";
                    method = "POST";
                    path = "/v1/boxes/" + id + "/processes";
                    double z = r.nextDouble();
                    body = z < 0.7 ? "{\"argv\":[\"sleep\",\"600\"]}"
                            : z < 0.85 ? "{\"argv\":[\"sleep\",\"0.2\"]}"
                            : "{\"argv\":[\"/bin/sh\",\"-c\",\"sleep 600 & exec sleep 600\"]}";
                } else if (y < 0.65) {
                    op = "kill";
                    method = "POST";
                    path = "/v1/boxes/" + id + "/kill";
                } else if (y < 0.85) {
                    op = "delete-force";
                    method = "DELETE";
                    path = "/v1/boxes/" + id + "?force=true";
                } else {
                    op = "delete";
                    method = "DELETE";
                    path = "/v1/boxes/" + id + "?force=false";
                }
            }
            Ledger l = ledger.get(id);
            l.lastRound = round;
            sent.incrementAndGet();
            Http.Reply reply;
            try {
                reply = rest.trySend(method, path, body);
            } catch (IOException e) {
                if (killing.get()) {
                    cut.incrementAndGet();
                    l.trace.add("r" + round + " " + op + " -> cut by kill -9");
                    return;
                }
                problems.add(op + " " + id + " failed while boxd was up: " + e);
                return;
            }
            String outcome = op + " " + reply.status();
            synchronized (tally) {
                tally.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
            }
            int s = reply.status();
            switch (op) {
                case "create" -> {
                    if (s == 201) {
                        l.createAcked = true;
                    } else {
                        problems.add("create " + id + ": " + reply);
                    }
                }
                case "spawn" -> {
                    if (s == 201) {
                        long pid = reply.json().path("pid").asLong();
                        // A sleep 0.2 may be gone already; then there is nothing to leak.
                        Kernel.identify(pid).ifPresent(l.pids::add);
                        l.trace.add("r" + round + " spawn -> 201 pid " + pid);
                    } else if (s != 409 && s != 404) {
                        problems.add("spawn " + id + ": " + reply);
                    }
                }
                case "kill" -> {
                    if (s == 200) {
                        l.killsAcked.incrementAndGet();
                    } else if (s != 409 && s != 404) {
                        problems.add("kill " + id + ": " + reply);
                    }
                }
                default -> {
                    if (s == 204) {
                        l.deleteAcked = true;
                        pool.remove(id);
                    } else if (s != 409 && s != 404) {
                        problems.add(op + " " + id + ": " + reply);
                    }
                }
            }
            if (s != 201 || !op.equals("spawn")) {
                l.trace.add("r" + round + " " + op + " -> " + s);
            }
        }
    }

    private String pick(Random r) {
        synchronized (pool) {
            return pool.isEmpty() ? null : pool.get(r.nextInt(pool.size()));
        }
    }

    // ---- the checks --------------------------------------------------------------------------

    private void verify(BoxdJvm jvm, Path baseDir, String base, long seed, int round, boolean all) {
        Http rest = jvm.rest();
        List<String> v = new ArrayList<>();
        Map<String, JsonNode> recs = rest.allBoxes();
        Set<String> dirs = Kernel.dirs(baseDir);

        // (a) every cgroup under the base has a record in a live state
        for (String d : dirs) {
            JsonNode rec = recs.get(d);
            if (rec == null || !LIVE.contains(state(rec))) {
                v.add("(a) cgroup " + baseDir.resolve(d) + " exists but its record is " + (rec == null ? "missing" : state(rec)));
            }
        }
        // (c) every record agrees with the kernel
        List<String> runningButEmpty = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : recs.entrySet()) {
            String id = e.getKey();
            String st = state(e.getValue());
            boolean exists = dirs.contains(id);
            if (st.equals("CREATING") || st.equals("REMOVING")) {
                v.add("(c) " + id + " is still " + st + " after the startup reconcile");
            } else if (LIVE.contains(st) && !exists) {
                v.add("(c) " + id + " is " + st + " but " + baseDir.resolve(id) + " does not exist");
            } else if (exists) {
                boolean populated = Kernel.populated(baseDir.resolve(id));
                if (st.equals("RUNNING") && !populated) {
                    runningButEmpty.add(id);
                } else if (!st.equals("RUNNING") && populated) {
                    v.add("(c) " + id + " is " + st + " but its cgroup holds " + Kernel.procs(baseDir.resolve(id)));
                }
            }
        }
        // RUNNING with nothing alive becomes EXITED within a second (exit watcher).
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (!runningButEmpty.isEmpty() && System.nanoTime() < deadline) {
            Kernel.sleep(50);
            runningButEmpty.removeIf(id -> !"RUNNING".equals(state(rest.get("/v1/boxes/" + id).json())));
        }
        for (String id : runningButEmpty) {
            v.add("(c) " + id + " is RUNNING but its cgroup has been empty for over 1 s");
        }
        // (b) nothing left of deleted boxes, nothing in a cgroup whose record is not live
        for (Ledger l : ledger.values()) {
            JsonNode rec = recs.get(l.id);
            String st = rec == null ? "missing" : state(rec);
            if (l.deleteAcked || !LIVE.contains(st)) {
                for (Pid p : List.copyOf(l.pids)) {
                    if (Kernel.alive(p)) {
                        v.add("(b) pid " + p + " of " + l.id + " (record " + st + (l.deleteAcked ? ", DELETE got 204" : "")
                                + ") is still alive in " + Kernel.cgroupOf(p.pid()));
                    }
                }
            }
            if (l.deleteAcked && !"REMOVED".equals(st)) {
                v.add("(c) " + l.id + " got 204 for DELETE but its record is " + st);
            }
        }
        for (Map.Entry<Long, String> p : Kernel.processesUnder(base).entrySet()) {
            String id = p.getValue().substring(("/" + base + "/").length()).split("/")[0];
            JsonNode rec = recs.get(id);
            if (rec == null || !LIVE.contains(state(rec))) {
                v.add("(b) pid " + p.getKey() + " is in " + p.getValue() + " but the record is "
                        + (rec == null ? "missing" : state(rec)));
            }
        }
        // (d) no history lost for acknowledged operations
        int checked = 0;
        for (Ledger l : ledger.values()) {
            boolean acked = l.createAcked || !l.pids.isEmpty() || l.killsAcked.get() > 0 || l.deleteAcked;
            if (!acked || (!all && l.lastRound < round - 1)) {
                continue;
            }
            if (!recs.containsKey(l.id)) {
                v.add("(d) " + l.id + " had acknowledged operations but has no record");
                continue;
            }
            checked++;
            List<JsonNode> events = rest.events(l.id);
            List<String> types = events.stream().map(e -> e.path("type").asString()).toList();
            if (l.createAcked && !types.contains("created")) {
                v.add("(d) " + l.id + ": 201 for create but no 'created' event: " + types);
            }
            for (Pid p : List.copyOf(l.pids)) {
                boolean found = events.stream().anyMatch(e -> e.path("type").asString().equals("process-started")
                        && e.path("detail").asString("").startsWith("pid " + p.pid() + " "));
                if (!found) {
                    v.add("(d) " + l.id + ": 201 for spawn of pid " + p + " but no 'process-started' event for it");
                }
            }
            long kills = types.stream().filter("killed"::equals).count();
            if (kills < l.killsAcked.get()) {
                v.add("(d) " + l.id + ": " + l.killsAcked.get() + " kills got 200 but there are " + kills + " 'killed' events");
            }
            if (l.deleteAcked && !types.contains("removed")) {
                v.add("(d) " + l.id + ": 204 for DELETE but no 'removed' event: " + types);
            }
        }
        if (!v.isEmpty()) {
            StringBuilder sb = new StringBuilder("seed=" + seed + " (rerun with -Dboxd.kill9.seed=" + seed + ") round=" + round
                    + ": " + v.size() + " violations\n");
            Set<String> ids = new HashSet<>();
            for (String s : v) {
                sb.append("  ").append(s).append('\n');
                for (String word : s.split("[ :(),]")) {
                    if (ledger.containsKey(word)) {
                        ids.add(word);
                    }
                }
            }
            for (String id : ids) {
                sb.append("  trace of ").append(id).append(": ").append(ledger.get(id).trace).append('\n');
                try {
                    sb.append("  events of ").append(id).append(": ").append(rest.get("/v1/boxes/" + id + "/events").body()).append('\n');
                } catch (AssertionError ignored) {
                    // best effort
                }
            }
            sb.append("boxd log tail:\n").append(jvm.tail());
            throw new AssertionError(sb.toString());
        }
        // Forget boxes that can no longer be picked (removed, lost, rolled back).
        synchronized (pool) {
            pool.removeIf(id -> {
                JsonNode rec = recs.get(id);
                return rec == null || !LIVE.contains(state(rec));
            });
        }
        if (all) {
            System.out.printf("[kill9] final check: %d records, %d cgroups, history checked for %d boxes%n", recs.size(),
                    dirs.size(), checked);
        }
    }

    private static String state(JsonNode box) {
        return box == null ? "missing" : box.path("state").asString();
    }

    private static String brief(String reportJson) {
        JsonNode r = Http.JSON.readTree(reportJson);
        return String.format("{reaped %d, adopted %d, lost %d, repaired %d, busy %d, %d ms}", r.path("orphansReaped").asInt(),
                r.path("orphansAdopted").asInt(), r.path("lost").asInt(), r.path("repaired").asInt(), r.path("busy").asInt(),
                r.path("durationMillis").asLong());
    }
}
