package io.boxd.systemd;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pure naming of boxd's units. A box is the slice {@code <prefix>-<id>.slice} under
 * {@code <prefix>.slice}; each process started or adopted into it is a scope
 * {@code <prefix>-<id>-p<pid>.scope} in that slice. In slice names a dash means "child of", so
 * the dashes of a box id are escaped as systemd does ({@code \x2d}); the name then still maps
 * back to exactly one id.
 */
final class UnitNames {

    /** systemd refuses longer unit names. */
    static final int UNIT_NAME_MAX = 255;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_]+(-[A-Za-z0-9_]+)*");
    private static final Pattern BOX_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final String DASH = "\\x2d";

    private final String prefix;

    UnitNames(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("the systemd slice prefix (boxd.cgroup.base) must be letters, digits, '_' "
                    + "and single inner dashes, like 'boxlite', not '" + prefix + "'");
        }
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    /** The slice every box lives under. */
    String baseSlice() {
        return prefix + ".slice";
    }

    String boxSlice(String boxId) {
        return checked(prefix + "-" + escape(boxId) + ".slice");
    }

    String processScope(String boxId, long pid) {
        return checked(prefix + "-" + escape(boxId) + "-p" + pid + ".scope");
    }

    /** Every unit boxd made, for {@code ListUnitsByPatterns}. */
    String allUnitsPattern() {
        return prefix + "-*";
    }

    String boxSlicesPattern() {
        return prefix + "-*.slice";
    }

    /** The box a unit of ours belongs to, or empty when the name is not one boxd would make. */
    Optional<String> boxIdOf(String unitName) {
        String head = prefix + "-";
        if (!unitName.startsWith(head)) {
            return Optional.empty();
        }
        String rest;
        if (unitName.endsWith(".slice")) {
            rest = unitName.substring(head.length(), unitName.length() - ".slice".length());
        } else if (unitName.endsWith(".scope")) {
            String body = unitName.substring(head.length(), unitName.length() - ".scope".length());
            int p = body.lastIndexOf("-p");
            if (p < 0 || !body.substring(p + 2).matches("[0-9]+")) {
                return Optional.empty();
            }
            rest = body.substring(0, p);
        } else {
            return Optional.empty();
        }
        if (rest.contains("-")) {
            return Optional.empty();
        }
        String id = rest.replace(DASH, "-");
        return BOX_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    static String escape(String boxId) {
        return boxId.replace("-", DASH);
    }

    private static String checked(String name) {
        if (name.length() > UNIT_NAME_MAX) {
            throw new IllegalArgumentException("unit name " + name + " is longer than systemd's " + UNIT_NAME_MAX
                    + " characters (every '-' in a box id takes 4)");
        }
        return name;
    }
}
