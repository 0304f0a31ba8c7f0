package io.boxd.box;

import io.boxd.limits.Limits;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.MappedCollection;
import org.springframework.data.relational.core.mapping.Table;

/** A box as stored: the aggregate root of {@code box} and {@code box_label}. */
@Table("box")
class BoxRecord {

    @Id
    String id;
    @Version
    Long version;
    BoxState state;
    String driver;
    String cgroupPath;
    Limits limits;
    Limits enforced;
    String counters;
    Instant createdAt;
    Instant updatedAt;
    @MappedCollection(idColumn = "box_id")
    Set<BoxLabel> labels = Set.of();

    Map<String, String> labelMap() {
        return labels.stream().collect(Collectors.toMap(BoxLabel::name, BoxLabel::value, (a, b) -> a, TreeMap::new));
    }

    void labelMap(Map<String, String> map) {
        labels = map == null ? Set.of()
                : new LinkedHashMap<>(map).entrySet().stream().map(e -> new BoxLabel(e.getKey(), e.getValue()))
                        .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Takes {@code now}, read from the kernel, as what is enforced, and says so for the history
     * ({@code enforced-changed}); empty, and nothing taken, when the record already agrees.
     */
    Optional<String> enforcedNow(Limits now) {
        if (Objects.equals(now, enforced)) {
            return Optional.empty();
        }
        Limits was = enforced;
        enforced = now;
        touch();
        return Optional.of("the kernel now enforces " + now + " (was " + was + ")");
    }

    void state(BoxState next) {
        state = next;
        touch();
    }

    private void touch() {
        updatedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
