package io.boxd.cgroup;

import io.boxd.driver.DriverException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The only code that reads or writes cgroupfs. Every path is relative to the injected mount
 * root and confined under it, and every error names the file and the value. Callers decide;
 * this class only does I/O.
 */
public final class CgroupFs {

    /** What an {@code rmdir} did. */
    public enum Removal { REMOVED, ABSENT, BUSY, NOT_EMPTY }

    /** strerror(ENODEV), as the JDK reports it. */
    static final String GONE = "No such device";

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
     * removed answers an open with ENODEV before its files vanish: that is "gone" too.
     */
    public Optional<String> read(String dir, String name) {
        Path p = file(dir, name);
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (GONE.equals(reason(e))) {
                return Optional.empty();
            }
            throw new DriverException("read " + p + ": " + reason(e), e);
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

    /** Removes one empty cgroup; ENOENT is {@link Removal#ABSENT}, EBUSY is {@link Removal#BUSY}. */
    public Removal rmdir(String dir) {
        Path p = resolve(dir);
        try {
            Files.delete(p);
            return Removal.REMOVED;
        } catch (NoSuchFileException e) {
            return Removal.ABSENT;
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            return Removal.NOT_EMPTY;
        } catch (FileSystemException e) {
            String why = reason(e);
            if (why.contains("busy")) {
                return Removal.BUSY;
            }
            throw new DriverException("rmdir " + p + ": " + why, e);
        } catch (IOException e) {
            throw new DriverException("rmdir " + p + ": " + reason(e), e);
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

    static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
