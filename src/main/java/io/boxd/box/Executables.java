package io.boxd.box;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds argv[0] the way execvp would, so a typo is a 400 and not a process that dies at once. */
final class Executables {

    private Executables() {
    }

    static Optional<Path> resolve(String argv0, String pathVar, Path cwd) {
        if (argv0.contains("/")) {
            Path p = Path.of(argv0);
            if (!p.isAbsolute() && cwd != null) {
                p = cwd.resolve(p);
            }
            return executable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = pathVar == null ? io.boxd.cgroup.Spawner.DEFAULT_PATH : pathVar;
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, argv0);
            if (executable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
