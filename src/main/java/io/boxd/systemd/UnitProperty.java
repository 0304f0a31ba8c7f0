package io.boxd.systemd;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.types.Variant;

/** One {@code (sv)} unit property: its systemd name and a value that carries its D-Bus type. */
public final class UnitProperty extends Struct {

    @Position(0)
    public final String name;
    @Position(1)
    public final Variant<?> value;

    public UnitProperty(String name, Variant<?> value) {
        this.name = name;
        this.value = value;
    }

    public String name() {
        return name;
    }

    public Variant<?> value() {
        return value;
    }
}
