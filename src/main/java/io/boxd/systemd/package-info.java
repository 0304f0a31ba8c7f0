/**
 * The systemd driver: boxd asks systemd, over D-Bus with dbus-java, to place and limit boxes, so
 * a {@code daemon-reload} cannot reset them and a rootless boxd works inside its user manager's
 * delegated tree. Each box is a transient slice under {@code boxlite.slice} whose limits are unit
 * properties; every spawned or adopted process gets a scope in it, started before the process
 * runs any code of its own. {@link io.boxd.systemd.SystemdBus} is the only D-Bus code (jobs,
 * {@code UnitExists}, reconnects); {@link io.boxd.systemd.UnitNames} and
 * {@link io.boxd.systemd.UnitPlan} are pure; cgroup files are only read back, through
 * {@link io.boxd.cgroup.CgroupFs}, except the kill, which is {@link io.boxd.cgroup.CgroupTree}'s
 * as on cgroupfs.
 */
package io.boxd.systemd;
