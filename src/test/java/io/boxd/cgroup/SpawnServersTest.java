package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.driver.SpawnFailedException;
import io.boxd.driver.SpawnSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpawnServersTest {

    /**
     * A server killed from outside looks alive until its exit is reaped, and a write to it fails
     * (EPIPE). Nothing reached it, so nothing started: the spawn goes to a new server. Here the
     * first server stands for that one: it runs, but has closed its end of the pipe.
     */
    @Test
    void aSpawnThatCannotReachItsServerGoesToANewOne() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        SpawnServers servers = new SpawnServers("test", () -> starts.getAndIncrement() == 0
                ? List.of("/bin/sh", "-c", "exec 0<&-; echo ready; exec sleep 30")
                : List.of("/bin/sh", "-c", "echo ready; head -c 1 > /dev/null; echo ok 4242; exec sleep 30"), 3000);
        SpawnSpec spec = new SpawnSpec(List.of("/bin/true"), Map.of(), Path.of("/"), null, null, Path.of("/dev/null"));
        try {
            assertThat(servers.spawn("b", Path.of("/nonexistent/cgroup.procs"), "/nonexistent", spec)).isEqualTo(4242);
            assertThat(starts).as("servers started").hasValue(2);
        } finally {
            servers.close();
        }
    }

    /**
     * An adopt asks for the spawn servers' pids (no box may take one in). A spawn holds its server
     * for up to the attach timeout; the question must not wait for it, holding the pool's lock
     * and with it every other spawn.
     */
    @Test
    void theServersPidsAreAnsweredWhileASpawnWaitsOnItsServer() throws Exception {
        // Says "ready", then never answers: a spawn waits out the timeout, and the server is killed.
        SpawnServers servers = new SpawnServers("silent", () -> List.of("/bin/sh", "-c", "echo ready; exec sleep 30"), 3000);
        SpawnSpec spec = new SpawnSpec(List.of("/bin/true"), Map.of(), Path.of("/"), null, null, Path.of("/dev/null"));
        CompletableFuture<Throwable> spawn = CompletableFuture.supplyAsync(() -> {
            try {
                servers.spawn("b", Path.of("/nonexistent/cgroup.procs"), "/nonexistent", spec);
                return null;
            } catch (SpawnFailedException expected) {
                return expected;
            }
        });
        try {
            Thread.sleep(500);   // the spawn has started the server and waits for its answer
            assertThat(spawn).isNotDone();
            long t0 = System.nanoTime();
            Set<Long> pids = servers.pids();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(pids).as("the silent server runs").hasSize(1);
            assertThat(ms).as("ms to answer while the spawn waits").isLessThan(500);
            assertThat(spawn.get(10, TimeUnit.SECONDS)).isInstanceOf(SpawnFailedException.class).hasMessageContaining("the spawn server failed");
            assertThat(ProcessHandle.of(pids.iterator().next())).as("the server is killed at the timeout").isEmpty();
        } finally {
            servers.close();
        }
    }
}
