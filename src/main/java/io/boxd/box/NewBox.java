package io.boxd.box;

import io.boxd.limits.Limits;
import java.util.Map;

/** {@code POST /v1/boxes}: every field optional; an omitted id is generated. */
public record NewBox(String id, Long vmMemoryBytes, Limits limits, Map<String, String> labels) {
}
