package io.boxd.systemd;

/**
 * One unit boxd made, as systemd lists it: a box's slice or a process scope inside it.
 * {@code boxId} is the box it belongs to; {@code slice} tells which kind it is.
 */
public record BoxUnit(String unit, String boxId, boolean slice, String activeState, String subState) {
}
