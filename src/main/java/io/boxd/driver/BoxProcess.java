package io.boxd.driver;

/** A process in a box: its pid and its command line as {@code /proc/<pid>/cmdline} shows it. */
public record BoxProcess(int pid, String command) {
}
