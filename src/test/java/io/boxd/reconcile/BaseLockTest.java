package io.boxd.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lock file's life within one JVM; a second boxd process refused by a held lock is
 * {@link SecondBoxdOnOneTreeTest}.
 */
class BaseLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondOwnerOfTheSameTreeInThisJvmIsRefusedAndToldWhoHoldsIt() {
        BaseLock first = BaseLock.take("/sys/fs/cgroup/unified/boxlite", dir, "/srv/a/data");
        assertThatThrownBy(() -> BaseLock.take("/sys/fs/cgroup/unified/boxlite", dir, "/srv/b/data"))
                .isInstanceOf(BaseInUseException.class)
                .hasMessageStartingWith("the cgroup tree /sys/fs/cgroup/unified/boxlite is in use by another boxd (pid "
                        + ProcessHandle.current().pid() + ", data dir /srv/a/data, since ")
                .hasMessageEndingWith("; lock " + first.file() + ")");
        first.stop();
        BaseLock next = BaseLock.take("/sys/fs/cgroup/unified/boxlite", dir, "/srv/b/data");
        assertThat(next.file()).isEqualTo(first.file());
        next.stop();
    }

    @Test
    void otherTreesAreLockedApart() {
        BaseLock a = BaseLock.take("/sys/fs/cgroup/boxlite", dir, "/a");
        BaseLock b = BaseLock.take("/sys/fs/cgroup/boxlite-2", dir, "/b");
        assertThat(a.file()).isNotEqualTo(b.file());
        a.stop();
        b.stop();
    }

    @Test
    void theFileNamesItsHolderWhileHeldAndNobodyOnceReleased() throws IOException {
        Path file = dir.resolve(BaseLock.fileName("/sys/fs/cgroup/boxlite"));
        Files.writeString(file, "pid=999999\ndata-dir=/gone\nbase=/sys/fs/cgroup/boxlite\n"); // left by a killed boxd
        BaseLock lock = BaseLock.take("/sys/fs/cgroup/boxlite", dir, "/now");
        assertThat(Files.readString(file)).startsWith("pid=" + ProcessHandle.current().pid() + "\ndata-dir=/now\n")
                .doesNotContain("999999");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .as("a process that can read the file can hold a shared lock on it, and keep boxd from starting")
                .isEqualTo("rw-------");
        lock.stop();
        lock.stop();
        assertThat(file).isEmptyFile();
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', useHeadersInDisplayName = true, textBlock = """
            content                                                          | said
            "pid=12\\ndata-dir=/x\\nbase=/b\\nsince=2026-11-24T03:00:00Z\\nnonce=n\\n" | pid 12, data dir /x, since 2026-11-24T03:00:00Z
            "pid=12\\n"                                                      | pid 12
            ""                                                               | it says nothing about itself
            "garbage\\nnonce=n"                                              | it says nothing about itself
            """)
    void theRefusalNamesTheHolderFromItsFile(String content, String said) {
        assertThat(BaseLock.holder(content.replace("\\n", "\n"))).isEqualTo(said);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
            uid  | XDG_RUNTIME_DIR | dirs
            0    |                 | /run/boxd,/tmp/boxd-locks-0
            0    | /run/user/0     | /run/boxd,/run/user/0/boxd,/tmp/boxd-locks-0
            1500 | /run/user/1500  | /run/user/1500/boxd,/tmp/boxd-locks-1500
            1500 |                 | /tmp/boxd-locks-1500
            """)
    void lockFilesGoToARuntimeDirectory(int uid, String xdg, String dirs) {
        assertThat(BaseLock.lockDirs(uid, xdg, "/tmp")).extracting(Path::toString).isEqualTo(List.of(dirs.split(",")));
    }

    @Test
    void theFileNameIsShortAndFollowsTheTree() {
        assertThat(BaseLock.fileName("/sys/fs/cgroup/boxlite")).matches("base-[0-9a-f]{16}\\.lock")
                .isEqualTo(BaseLock.fileName("/sys/fs/cgroup/boxlite"))
                .isNotEqualTo(BaseLock.fileName("/sys/fs/cgroup/boxlite2"));
    }
}
