package io.boxd.security;

/**
 * One entry of {@code boxd.spawn.allowed-uids}/{@code allowed-gids}: an id ({@code 1000}) or an
 * inclusive range ({@code 100000-165535}). Ranges let an orchestrator give every tenant, or every
 * box, a uid of its own: boxes that share a uid can signal and trace each other's processes.
 */
public record IdRange(int first, int last) {

    public IdRange {
        if (first < 0) {
            throw new IllegalArgumentException("ids are 0 or more, not " + first);
        }
        if (last < first) {
            throw new IllegalArgumentException("'" + first + "-" + last + "' is not a range of ids: it ends before it starts");
        }
    }

    /** What Spring's binder calls for a string: {@code "1000"} or {@code "100000-165535"}. */
    public static IdRange valueOf(String text) {
        String t = text.strip();
        int dash = t.indexOf('-', 1);
        try {
            if (dash < 0) {
                return valueOf(Integer.parseInt(t));
            }
            return new IdRange(Integer.parseInt(t.substring(0, dash).strip()), Integer.parseInt(t.substring(dash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is neither an id nor a range first-last of ids (0 to "
                    + Integer.MAX_VALUE + ")", e);
        }
    }

    /** What Spring's binder calls for a YAML integer. */
    public static IdRange valueOf(Integer id) {
        return new IdRange(id, id);
    }

    public boolean contains(int id) {
        return id >= first && id <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
