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

    /**
     * Starts the daemon and proves it answers a Hello before anyone uses it. dbus-java's embedded
     * daemon sometimes dies right after it starts (the first Hello gets "Disconnected", then its
     * socket is gone); seen in CI on this test's setup. Such a daemon is started again.
     */
    void start() throws Exception {
        for (int attempt = 1; ; attempt++) {
            Files.deleteIfExists(socket);
            daemon = new EmbeddedDBusDaemon(address() + ",listen=true");
            daemon.startInBackgroundAndWait(5_000);
            try (var probe = org.freedesktop.dbus.connections.impl.DBusConnectionBuilder.forAddress(address())
                    .withShared(false).build()) {
                return;
            } catch (Exception e) {
                System.err.println("private bus: the daemon did not answer Hello (attempt " + attempt + "): " + e + "; starting it again");
                daemon.close();
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
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
