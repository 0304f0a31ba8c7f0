package io.boxd.driver;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A process to start in a box: an argv (never a shell string), its exact environment, its
 * working directory, an optional uid/gid, and the file that takes its stdout and stderr.
 */
public record SpawnSpec(List<String> argv, Map<String, String> env, Path cwd, Integer uid, Integer gid, Path logFile) {
}
