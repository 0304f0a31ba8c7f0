package io.boxd.cgroup;

import io.boxd.driver.ExecFailedException;
import io.boxd.driver.PidsLimitException;
import io.boxd.driver.SpawnFailedException;
import io.boxd.driver.SpawnSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived process that forks box processes: the native server ({@code spawn-server.c},
 * built with boxd where a C compiler is found) or the perl one ({@code spawn-server.pl},
 * perl-base only); both speak the same protocol and make the same checks.
 * A spawn then costs a fork of a small process and one exec of the target, where the shell
 * wrapper costs execs of jspawnhelper, sh and setpriv (about 2.8 ms of CPU on the bench host,
 * against 0.6 ms for the target alone). The child is born in the cgroup (clone3 with
 * CLONE_INTO_CGROUP) where the kernel allows, else it writes {@code cgroup.procs} itself. The
 * server checks {@code /proc/<pid>/cgroup} against the box's cgroup while the child waits, and
 * only then lets it exec; so a spawn is one message each way. One request at a time
 * ({@link SpawnServers} runs a few); a server that dies or hangs is killed and started again on
 * its next spawn.
 */
final class SpawnServer {

    /** The server's command line, asked for at every (re)start. */
    interface Command {
        List<String> get() throws IOException;
    }

    private final Command command;
    private final long timeoutMillis;
    /** Volatile for {@link #pid}, which must not wait for a spawn in progress. */
    private volatile Process server;
    private OutputStream to;
    private InputStream from;

    /** Not started: {@link #start} or the first spawn starts it. */
    SpawnServer(Command command, long timeoutMillis) {
        this.command = command;
        this.timeoutMillis = timeoutMillis;
    }

    synchronized void start() throws IOException {
        ensureRunning();
    }

    private void ensureRunning() throws IOException {
        if (server != null && server.isAlive()) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(command.get()).directory(Spawner.ROOT_DIR).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        server = pb.start();
        to = server.getOutputStream();
        from = server.getInputStream();
        String hello = awaitLine();
        if (!"ready".equals(hello)) {
            kill();
            throw new IOException("spawn server said " + hello);
        }
    }

    /**
     * Spawns {@code spec} into the cgroup whose {@code cgroup.procs} is given and returns the
     * pid, once {@code /proc/<pid>/cgroup} said {@code expectedCgroup} and the target was exec'd.
     * A child found anywhere else is killed before it runs anything.
     */
    synchronized int spawn(String boxId, Path cgroupProcs, String expectedCgroup, SpawnSpec spec) {
        byte[] request = request(cgroupProcs, expectedCgroup, spec, Spawner.environment(spec, boxId));
        Spawner.ensureLogFile(spec);
        String said;
        try {
            ensureRunning();
            try {
                send(request);
            } catch (IOException deadServer) {
                // It died since its last answer, and looked alive only because its exit was not
                // reaped yet. The request never reached it, so nothing started: once more, on a new one.
                kill();
                ensureRunning();
                send(request);
            }
            said = awaitLine();
        } catch (IOException | UncheckedIOException e) {
            // The server died or hung mid-request. A child it had not released exits when the
            // server's end of its pipe closes; one it had released runs inside the box, where
            // kill and delete reach it.
            kill();
            throw new SpawnFailedException("the spawn server failed: " + e.getMessage()
                    + "; no target was started, or one started inside " + expectedCgroup, e);
        }
        if (said.startsWith("ok ")) {
            try {
                return Integer.parseInt(said.substring("ok ".length()));
            } catch (NumberFormatException e) {
                kill();
                throw new SpawnFailedException("the spawn server said " + said, e);
            }
        }
        throw failed(said, cgroupProcs.getParent().toString());
    }

    /**
     * "failed <exit code> <why>": the child's own words (attach failures start "could not join").
     * A failed chdir or exec, as the target's uid, is the request's to fix, not boxd's.
     */
    private static SpawnFailedException failed(String said, String cgroup) {
        String rest = said.startsWith("failed ") ? said.substring("failed ".length()) : said;
        int sp = rest.indexOf(' ');
        String code = sp < 0 ? rest : rest.substring(0, sp);
        String why = sp < 0 ? "" : rest.substring(sp + 1);
        if (code.equals("127") && (why.startsWith("exec ") || why.startsWith("chdir "))) {
            return new ExecFailedException(why + "; nothing runs in " + cgroup);
        }
        if (why.startsWith(PidsRoom.REFUSAL)) {
            return new PidsLimitException(why);
        }
        return new SpawnFailedException("spawn into " + cgroup + " failed (exit " + code + ")" + (why.isEmpty() ? "" : ": " + why));
    }

    /** The next reply, within the timeout; on a timeout the server is killed, which ends the read. */
    private String awaitLine() throws IOException {
        Process s = server;
        var timer = Spawner.WATCHDOG.schedule(() -> { s.destroyForcibly(); }, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            String l = line();
            if (l == null) {
                throw new IOException(timer.isDone() ? "no answer within " + timeoutMillis + " ms" : "the server exited");
            }
            return l;
        } finally {
            timer.cancel(false);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = from.read()) != -1 && c != '\n') {
            b.write(c);
        }
        return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** {@code <length>\n} then procs, cgroup, log, cwd, uid, gid, argc, argv..., K=V... joined by NUL. */
    static byte[] request(Path cgroupProcs, String expectedCgroup, SpawnSpec spec, Map<String, String> env) {
        List<String> f = new ArrayList<>();
        f.add(cgroupProcs.toString());
        f.add(expectedCgroup);
        f.add(spec.logFile().toString());
        f.add(spec.cwd() == null ? "" : spec.cwd().toString());
        f.add(spec.uid() == null ? "" : spec.uid().toString());
        f.add(spec.gid() == null ? "" : spec.gid().toString());
        f.add(Integer.toString(spec.argv().size()));
        f.addAll(spec.argv());
        env.forEach((k, v) -> f.add(k + "=" + v));
        for (String s : f) {
            if (s.indexOf('\0') >= 0) {
                throw new SpawnFailedException("NUL in a spawn argument, path or environment entry");
            }
        }
        byte[] payload = String.join("\0", f).getBytes(StandardCharsets.UTF_8);
        byte[] head = (payload.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + payload.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }

    private void send(byte[] request) throws IOException {
        to.write(request);
        to.flush();
    }

    private void kill() {
        if (server != null) {
            server.destroyForcibly();
            try {
                server.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    /**
     * Not synchronized: an adopt asks for every server's pid ({@link SpawnServers#pids}) while it
     * holds the pool's lock, and a spawn holds its server's monitor for up to the attach timeout.
     */
    OptionalLong pid() {
        Process p = server;
        return p == null || !p.isAlive() ? OptionalLong.empty() : OptionalLong.of(p.pid());
    }

    synchronized void close() {
        kill();
    }
}
