package io.boxd.box;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps each live box's log to its first {@code boxd.logs.max-size} bytes and a note, so that a
 * box printing in a loop cannot fill the disk that holds the records (found by hand: {@code yes}
 * filled 16 MiB in under a second). Every spawn path opens the log for appending, so boxd can cut
 * the file under the running writers and their next writes land at the cut. boxd looks every
 * {@code check-interval} at the boxes it follows, one stat each; a box's writes cost it nothing
 * more, however fast it writes.
 */
@Component
class LogCap implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LogCap.class);

    private final ExitWatcher watcher;
    private final DataDir dataDir;
    private final BoxHistory history;
    private final LogProperties props;
    private final long cap;
    private final byte[] note;
    private volatile ScheduledExecutorService timer;

    LogCap(ExitWatcher watcher, DataDir dataDir, BoxHistory history, LogProperties props) {
        this.watcher = watcher;
        this.dataDir = dataDir;
        this.history = history;
        this.props = props;
        this.cap = props.maxSize().toBytes();
        this.note = LogTrim.note(cap);
    }

    /** One look at every box boxd follows. */
    void checkAll() {
        for (String id : watcher.watchedIds()) {
            Path file = dataDir.logFile(id);
            if (file.toFile().length() > cap) { // 0 when there is no log: no exception per idle box
                try {
                    trim(id, file);
                } catch (NoSuchFileException gone) {
                    // removed meanwhile
                } catch (IOException | RuntimeException e) {
                    log.warn("cannot cap the log of box {} ({}): {}", id, file, e.toString());
                }
            }
        }
    }

    private void trim(String id, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            switch (LogTrim.of(size, cap, note.length, size > cap && noted(ch))) {
                case NONE -> { }
                case CUT_AFTER_NOTE -> ch.truncate(cap + note.length);
                case CUT_AND_NOTE -> {
                    ch.truncate(cap);
                    ch.write(ByteBuffer.wrap(note), cap);
                    recordCap(id, file, size);
                }
            }
        }
    }

    private boolean noted(FileChannel ch) throws IOException {
        ByteBuffer there = ByteBuffer.allocate(note.length);
        while (there.hasRemaining() && ch.read(there, cap + there.position()) > 0) {
            // read until the note's length or the end of the file
        }
        return !there.hasRemaining() && Arrays.equals(there.array(), note);
    }

    private void recordCap(String id, Path file, long size) {
        String detail = file.getFileName() + " reached boxd.logs.max-size (" + cap + " bytes; " + size
                + " when boxd looked): its first " + cap + " bytes are kept, later output is dropped";
        log.info("box {}: {}", id, detail);
        try {
            history.add(BoxEvent.of(id, "log-capped", detail));
        } catch (RuntimeException e) {
            // The cut is made either way: the disk matters more than the event.
            log.warn("box {}: the log-capped event was not recorded: {}", id, DatabaseFailures.reason(e));
        }
    }

    private void tick() {
        try {
            checkAll();
        } catch (RuntimeException e) {
            log.warn("log cap check failed: {}", e.toString());
        }
    }

    @Override
    public void start() {
        if (!props.capped()) {
            log.info("box logs are not capped (boxd.logs.max-size=0)");
            return;
        }
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "boxd-log-cap");
            th.setDaemon(true);
            return th;
        });
        long every = props.checkInterval().toNanos();
        t.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.NANOSECONDS);
        timer = t;
    }

    @Override
    public void stop() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
        }
        timer = null;
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
