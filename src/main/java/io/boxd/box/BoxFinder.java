package io.boxd.box;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/** Filtered, paged listing: by state and by any number of {@code key=value} labels (all must match). */
@Component
class BoxFinder {

    private final NamedParameterJdbcTemplate jdbc;
    private final BoxRepository boxes;
    private final io.boxd.driver.BoxDriver driver;

    BoxFinder(NamedParameterJdbcTemplate jdbc, BoxRepository boxes, io.boxd.driver.BoxDriver driver) {
        this.driver = driver;
        this.jdbc = jdbc;
        this.boxes = boxes;
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
        // One statement for the page and its total: two would disagree while boxes are created.
        List<String> ids = new ArrayList<>();
        long[] total = {-1};
        jdbc.query("SELECT b.id, COUNT(*) OVER () AS total FROM box b" + where
                + " ORDER BY b.created_at, b.id LIMIT :limit OFFSET :offset", params, rs -> {
                    ids.add(rs.getString(1));
                    total[0] = rs.getLong(2);
                });
        if (ids.isEmpty() && page > 0) {
            // A page past the end has no row to carry the total; an empty first page is a total of 0.
            Long count = jdbc.queryForObject("SELECT COUNT(*) FROM box b" + where, params, Long.class);
            total[0] = count == null ? 0 : count;
        } else if (ids.isEmpty()) {
            total[0] = 0;
        }
        Map<String, BoxRecord> byId = new HashMap<>();
        boxes.findAllById(ids).forEach(r -> byId.put(r.id, r));
        List<Box> items = new ArrayList<>();
        for (String id : ids) {
            BoxRecord r = byId.get(id);
            if (r != null) {
                items.add(Box.of(r, r.driver.equals(driver.name()) ? driver.unitName(r.id) : null));
            }
        }
        return new BoxPage(items, page, size, total[0]);
    }
}
