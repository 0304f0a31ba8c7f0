package io.boxd.cgroup;

import io.boxd.driver.DriverException;
import io.boxd.driver.NoSuchCgroupException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The only code that reads or writes cgroupfs. Every path is relative to the injected mount
 * root and confined under it, and every error names the file and the value. Callers decide;
 * this class only does I/O.
 */
public final class CgroupFs {

    /** What an {@code rmdir} did; {@code reason} is the kernel's refusal, in the JVM's locale. */
    public record Removal(Outcome outcome, String reason) {
        public enum Outcome { REMOVED, ABSENT, BUSY, NOT_EMPTY }

        public boolean gone() {
            return outcome == Outcome.REMOVED || outcome == Outcome.ABSENT;
        }
    }

    /** A failed read is tried this often, 0.1, 0.2, 0.4 ... ms apart (about 6 ms in all). */
    private static final int READ_ATTEMPTS = 7;
    private static final long FIRST_RETRY_MICROS = 100;
    /** The longest xattr value {@link #xattr} reads: boxd's own are 36-byte UUIDs. */
    static final int XATTR_MAX = 256;

    private final Path root;

    public CgroupFs(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The absolute path of a cgroup directory or file, refusing anything that leaves the root. */
    public Path resolve(String relative) {
        if (relative.isEmpty()) {
            return root;
        }
        if (relative.startsWith("/") || relative.contains("\0")) {
            throw new IllegalArgumentException("cgroup path must be relative to the mount: " + relative);
        }
        for (String part : relative.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("cgroup path has an empty, '.' or '..' part: " + relative);
            }
        }
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("cgroup path escapes " + root + ": " + relative);
        }
        return p;
    }

    private Path file(String dir, String name) {
        return resolve(dir.isEmpty() ? name : dir + "/" + name);
    }

    /**
     * The file's content, or empty when the file (or its cgroup) does not exist. A cgroup being
     * removed answers open and read with ENODEV for a moment before its files vanish. The JDK
     * gives that errno only as strerror text, which follows the locale ({@code LANGUAGE=de}
     * turns it German), so a read that fails for a reason the JDK has no type for is tried again
     * for a few milliseconds: what it finds then (ENOENT, or content) is the answer; a failure
     * that lasts is an error.
     */
    public Optional<String> read(String dir, String name) {
        Path p = file(dir, name);
        long pause = FIRST_RETRY_MICROS;
        for (int attempt = 1; ; attempt++) {
            try {
                return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (AccessDeniedException e) {
                throw new DriverException("read " + p + ": " + reason(e), e);
            } catch (IOException e) {
                if (attempt == READ_ATTEMPTS) {
                    throw new DriverException("read " + p + ": " + reason(e), e);
                }
            }
            Spawner.sleepMicros(pause);
            pause *= 2;
        }
    }

    /** Writes {@code value} in one write(2), as cgroupfs expects. */
    public void write(String dir, String name, String value) {
        Path p = file(dir, name);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            int n = ch.write(ByteBuffer.wrap(bytes));
            if (n != bytes.length) {
                throw new DriverException("write \"" + value + "\" to " + p + ": short write (" + n + " bytes)");
            }
        } catch (IOException e) {
            throw new CgroupWriteException(p, value, reason(e), e);
        }
    }

    public boolean exists(String dir) {
        return Files.isDirectory(resolve(dir));
    }

    public boolean fileExists(String dir, String name) {
        return Files.exists(file(dir, name));
    }

    /** Makes the cgroup; false when it already existed. */
    public boolean mkdir(String dir) {
        Path p = resolve(dir);
        try {
            Files.createDirectory(p);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new DriverException("mkdir " + p + ": " + reason(e), e);
        }
    }

    /**
     * Removes one empty cgroup. ENOENT is ABSENT, ENOTEMPTY is NOT_EMPTY and EACCES is an error
     * (the JDK has a type for each). Any other refusal counts as BUSY, for the caller to wait and
     * retry within its bound: on cgroupfs that is EBUSY (live or dying tasks), and the errno itself
     * is only known as strerror text in the JVM's locale. So EPERM, which the JDK gives no type,
     * is retried too, and fails with the kernel's words only when the caller's bound runs out.
     */
    public Removal rmdir(String dir) {
        Path p = resolve(dir);
        try {
            Files.delete(p);
            return new Removal(Removal.Outcome.REMOVED, null);
        } catch (NoSuchFileException e) {
            return new Removal(Removal.Outcome.ABSENT, null);
        } catch (DirectoryNotEmptyException e) {
            return new Removal(Removal.Outcome.NOT_EMPTY, reason(e));
        } catch (AccessDeniedException e) {
            throw new DriverException("rmdir " + p + ": " + reason(e), e);
        } catch (IOException e) {
            return new Removal(Removal.Outcome.BUSY, reason(e));
        }
    }

    /** Names of the child cgroups of {@code dir}; empty when it does not exist. */
    public List<String> children(String dir) {
        Path p = resolve(dir);
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, Files::isDirectory)) {
            for (Path child : ds) {
                out.add(child.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new DriverException("list " + p + ": " + reason(e), e);
        }
        return out;
    }

    /**
     * The value of the user xattr {@code user.<name>} of a cgroup, up to {@link #XATTR_MAX} bytes;
     * empty when it has none or the cgroup is gone. Listed before it is read: a missing attribute
     * is ENODATA, which the JDK gives only as strerror text. A longer value is an error (ERANGE).
     */
    public Optional<String> xattr(String dir, String name) {
        Path p = resolve(dir);
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        try {
            if (!view.list().contains(name)) {
                return Optional.empty();
            }
            ByteBuffer buf = ByteBuffer.allocate(XATTR_MAX);
            view.read(name, buf);
            return Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // Removed between the list and the read (ENODATA): no mark now.
            try {
                if (!view.list().contains(name)) {
                    return Optional.empty();
                }
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw new DriverException("read xattr user." + name + " of " + p + ": " + reason(e), e);
        }
    }

    /** Sets the user xattr {@code user.<name>} of a cgroup (cgroupfs keeps user xattrs since Linux 5.7). */
    public void setXattr(String dir, String name, String value) {
        Path p = resolve(dir);
        try {
            Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
                    .write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            throw new NoSuchCgroupException("cgroup " + p + " does not exist");
        } catch (IOException e) {
            throw new DriverException("set xattr user." + name + " of " + p + " to \"" + value + "\": " + reason(e), e);
        }
    }

    static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
