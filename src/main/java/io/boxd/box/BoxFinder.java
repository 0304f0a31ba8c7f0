package io.boxd.box;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/** Filtered, paged listing: by state and by any number of {@code key=value} labels (all must match). */
@Component
class BoxFinder {

    private final NamedParameterJdbcTemplate jdbc;
    private final io.boxd.driver.BoxDriver driver;

    BoxFinder(NamedParameterJdbcTemplate jdbc, io.boxd.driver.BoxDriver driver) {
        this.driver = driver;
        this.jdbc = jdbc;
    }

    /** A box has one value per key, so two pairs with one key and different values match nothing. */
    BoxPage find(BoxState state, Collection<BoxLabel> labels, int page, int size) {
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        Map<String, Object> params = new HashMap<>();
        if (state != null) {
            where.append(" AND b.state = :state");
            params.put("state", state.name());
        }
        int i = 0;
        for (BoxLabel l : labels) {
            where.append(" AND EXISTS (SELECT 1 FROM box_label l").append(i).append(" WHERE l").append(i)
                    .append(".box_id = b.id AND l").append(i).append(".label_key = :n").append(i)
                    .append(" AND l").append(i).append(".label_value = :v").append(i).append(")");
            params.put("n" + i, l.name());
            params.put("v" + i, l.value());
            i++;
        }
        params.put("limit", size);
        params.put("offset", (long) page * size);
        // The page's rows and the total in one statement: two would disagree while boxes are
        // created, and rows read apart could have left the state filtered on.
        List<BoxRecord> rows = new ArrayList<>();
        long[] total = {0};
        jdbc.query("SELECT " + BoxSavesImpl.ROW_COLUMNS + ", COUNT(*) OVER () AS total FROM box b" + where
                + " ORDER BY b.created_at, b.id LIMIT :limit OFFSET :offset", params, rs -> {
                    rows.add(BoxSavesImpl.row(rs));
                    total[0] = rs.getLong("total");
                });
        if (rows.isEmpty() && page > 0) {
            // A page past the end has no row to carry the total; an empty first page is a total of 0.
            Long count = jdbc.queryForObject("SELECT COUNT(*) FROM box b" + where, params, Long.class);
            total[0] = count == null ? 0 : count;
        }
        // Labels are written with their box and never change, so reading them apart is the same reading.
        Map<String, Map<String, String>> labelsOf = new HashMap<>();
        if (!rows.isEmpty()) {
            jdbc.query("SELECT box_id, label_key, label_value FROM box_label WHERE box_id IN (:ids)",
                    Map.of("ids", rows.stream().map(r -> r.id).toList()), rs -> {
                        labelsOf.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                    });
        }
        List<Box> items = new ArrayList<>();
        for (BoxRecord r : rows) {
            r.labelMap(labelsOf.getOrDefault(r.id, Map.of()));
            items.add(Box.of(r, r.driver.equals(driver.name()) ? driver.unitName(r.id) : null));
        }
        return new BoxPage(items, page, size, total[0]);
    }
}
