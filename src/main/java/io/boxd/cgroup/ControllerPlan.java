package io.boxd.cgroup;

import java.util.LinkedHashSet;
import java.util.Set;

/** Pure decisions about {@code cgroup.subtree_control}. */
public final class ControllerPlan {

    private ControllerPlan() {
    }

    /**
     * What to write to a level's {@code cgroup.subtree_control} so that {@code wanted} is enabled:
     * only controllers that the level has ({@code cgroup.controllers}) and has not yet enabled.
     * Null when nothing needs writing, because cgroup v2 rejects a whole write if one name in it
     * is not available.
     */
    public static String enableLine(Set<String> wanted, Set<String> available, Set<String> enabled) {
        StringBuilder sb = new StringBuilder();
        for (String c : wanted) {
            if (available.contains(c) && !enabled.contains(c)) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append('+').append(c);
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /** {@code a ∪ b}: what a level has enabled after {@code b} was enabled on top of {@code a}. */
    public static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }

    /** {@code a ∩ b}, in the order of {@code a}. */
    public static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.retainAll(b);
        return out;
    }
}
