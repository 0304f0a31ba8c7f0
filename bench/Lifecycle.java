import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * boxd's REST lifecycle over loopback: create, spawn `sleep`, kill, delete. Runs N lifecycles
 * with C concurrent clients and prints p50, p99 and lifecycles per second.
 * Usage: java Lifecycle.java BASE_URL CLIENTS LIFECYCLES [WARMUP]
 */
public class Lifecycle {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final String TOKEN = System.getenv("BOXD_TOKEN");

    static int call(String method, String url, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (TOKEN != null && !TOKEN.isEmpty()) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return r.statusCode();
    }

    static void lifecycle(String base, String id) throws Exception {
        call("POST", base + "/v1/boxes", "{\"id\":\"" + id + "\",\"limits\":{\"pidsMax\":\"max\"}}", 201);
        call("POST", base + "/v1/boxes/" + id + "/processes", "{\"argv\":[\"sleep\",\"300\"]}", 201);
        call("POST", base + "/v1/boxes/" + id + "/kill", null, 200);
        call("DELETE", base + "/v1/boxes/" + id, null, 204);
    }

    static long[] run(String base, int clients, int total, String prefix) throws Exception {
        List<Long> lat = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(clients);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        long s = System.nanoTime();
                        lifecycle(base, prefix + i);
                        lat.add(System.nanoTime() - s);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        done.await();
        long wall = System.nanoTime() - t0;
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.size() + " client(s) failed; first: " + errors.get(0), errors.get(0));
        }
        List<Long> sorted = new ArrayList<>(lat);
        Collections.sort(sorted);
        return new long[] {sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))), wall, sorted.size()};
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int clients = Integer.parseInt(args[1]);
        int total = Integer.parseInt(args[2]);
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        if (warmup > 0) {
            run(base, clients, warmup, "w" + run + "-" + clients + "-");
        }
        long[] r = run(base, clients, total, "b" + run + "-" + clients + "-");
        System.out.printf("rest clients=%d lifecycles=%d p50=%.2fms p99=%.2fms rate=%.0f/s%n",
                clients, r[3], r[0] / 1e6, r[1] / 1e6, r[3] / (r[2] / 1e9));
    }
}
