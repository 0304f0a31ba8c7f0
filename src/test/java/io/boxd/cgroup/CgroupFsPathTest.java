package io.boxd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupFsPathTest {

    final CgroupFs fs = new CgroupFs(Path.of("/sys/fs/cgroup"));

    @ParameterizedTest
    @ValueSource(strings = {"..", "boxlite/..", "boxlite/../..", "/etc", "boxlite//x", "./x", "boxlite/./x", "a\0b"})
    void refusesPathsThatLeaveTheRootOrAreNotCanonical(String rel) {
        assertThatThrownBy(() -> fs.resolve(rel)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"boxlite", "boxlite/demo", "boxlite/demo/cgroup.procs"})
    void resolvesRelativePathsUnderTheRoot(String rel) {
        assertThat(fs.resolve(rel).startsWith(Path.of("/sys/fs/cgroup"))).isTrue();
        assertThat(fs.resolve(rel)).isEqualTo(Path.of("/sys/fs/cgroup", rel));
    }
}
