package io.boxd.systemd;

import java.nio.file.Files;
import java.nio.file.Path;
import org.freedesktop.dbus.bin.EmbeddedDBusDaemon;

/** A private D-Bus daemon (dbus-java's own) on a socket in a temp dir; restartable at the same address. */
final class PrivateBus implements AutoCloseable {

    private final Path socket;
    private EmbeddedDBusDaemon daemon;

    PrivateBus(Path dir) throws Exception {
        this.socket = dir.resolve("bus");
        start();
    }

    String address() {
        return "unix:path=" + socket;
    }

    void start() throws Exception {
        Files.deleteIfExists(socket);
        daemon = new EmbeddedDBusDaemon(address() + ",listen=true");
        daemon.startInBackgroundAndWait(5_000);
    }

    /** The daemon dies with every connection on it, then comes back at the same address. */
    void restart() throws Exception {
        daemon.close();
        start();
    }

    @Override
    public void close() throws Exception {
        daemon.close();
    }
}
