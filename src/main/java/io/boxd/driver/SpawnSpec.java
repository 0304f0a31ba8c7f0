package io.boxd.driver;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A process to start in a box: an argv (never a shell string), its exact environment, its
 * working directory, an optional uid/gid, and the file that takes its stdout and stderr.
 */
public record SpawnSpec(List<String> argv, Map<String, String> env, Path cwd, Integer uid, Integer gid, Path logFile) {

    public SpawnSpec {
        // The spawners run in "/": a relative log path (a relative boxd.data-dir) would be taken
        // from there, not from boxd's working directory.
        logFile = logFile == null ? null : logFile.toAbsolutePath();
    }
}
