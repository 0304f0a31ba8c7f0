package io.boxd.box;

import java.util.List;
import java.util.Map;

/** {@code POST /v1/boxes/{id}/processes}: an argv array (never a shell string) and its exact environment. */
public record NewProcess(List<String> argv, Map<String, String> env, String cwd, Integer uid, Integer gid) {
}
