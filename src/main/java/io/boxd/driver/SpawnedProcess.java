package io.boxd.driver;

import java.time.Instant;
import java.util.List;

public record SpawnedProcess(int pid, List<String> argv, Instant startedAt) {
}
