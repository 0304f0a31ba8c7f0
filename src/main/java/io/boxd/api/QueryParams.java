package io.boxd.api;

import io.boxd.box.BoxProblems.Invalid;
import java.util.regex.Pattern;

/**
 * Query parameters read as written, as bodies are ({@link StrictJson}). Spring read an integer
 * parameter as hex ({@code page=0x10} was page 16) and took the first of a repeated one
 * ({@code force=false&force=true} deleted nothing, where a proxy that reads the last one would
 * have passed a forced delete). Converters cannot stop either: when one refuses, Spring falls
 * back to its own property editors. So the controller reads these itself, and each is a 400
 * naming the parameter.
 */
final class QueryParams {

    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");

    private QueryParams() {
    }

    /** The value of a parameter that may be given once; null when absent. */
    static String once(String name, String[] values) {
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw new Invalid(name, "must be given once, was given " + values.length + " times");
        }
        return values[0];
    }

    /** A plain decimal int (no '+', radix prefix or blanks), or {@code absent} when not given or empty. */
    static int decimal(String name, String[] values, int absent) {
        String text = once(name, values);
        if (text == null || text.isEmpty()) {
            return absent;
        }
        if (DECIMAL.matcher(text).matches()) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException pastInt) {
                // falls through to the refusal
            }
        }
        throw new Invalid(name, "must be an integer, was '" + text + "'");
    }

    /**
     * {@code true} or {@code false} in any case (Python's requests sends {@code True}), or
     * {@code absent} when not given or empty.
     */
    static boolean bool(String name, String[] values, boolean absent) {
        String text = once(name, values);
        if (text == null || text.isEmpty()) {
            return absent;
        }
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new Invalid(name, "must be a boolean (true or false), was '" + text + "'");
    }
}
