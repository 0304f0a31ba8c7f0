package io.boxd.box;

import java.util.List;

/** One page of boxes, with the total that matched. */
public record BoxPage(List<Box> items, int page, int size, long total) {
}
