/**
 * The cgroupfs driver and the only code that touches the kernel's cgroup files. {@link
 * io.boxd.cgroup.CgroupFs} does all cgroupfs I/O, confined under the mount; {@link
 * io.boxd.cgroup.LimitPlan}, {@link io.boxd.cgroup.ControllerPlan} and {@link
 * io.boxd.cgroup.KernelText} are pure decisions and parsers; {@link io.boxd.cgroup.CgroupfsDriver}
 * strings them together: enable available controllers level by level, write and read back
 * limits, spawn with no escape window, kill, and remove with bounded EBUSY retries. {@link
 * io.boxd.cgroup.CgroupTree} is the kill (with {@code cgroup.kill}) and the wait for an empty
 * tree, which the systemd driver uses too. {@link io.boxd.cgroup.Spawner} starts box processes through long-lived spawn
 * servers (the native {@code src/main/c/spawn-server.c} where the build compiled it, else
 * {@code spawn-server.pl}) or, without either, a {@code /bin/sh} wrapper: either way
 * the child is born in the box's cgroup or writes itself into {@code cgroup.procs}, and runs
 * nothing until boxd (the server, or {@code Spawner} for the wrapper) has checked
 * {@code /proc/<pid>/cgroup}.
 */
package io.boxd.cgroup;
