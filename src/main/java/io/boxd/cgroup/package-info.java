/**
 * The cgroupfs driver and the only code that touches the kernel's cgroup files. {@link
 * io.boxd.cgroup.CgroupFs} does all cgroupfs I/O, confined under the mount; {@link
 * io.boxd.cgroup.LimitPlan}, {@link io.boxd.cgroup.ControllerPlan} and {@link
 * io.boxd.cgroup.KernelText} are pure decisions and parsers; {@link io.boxd.cgroup.CgroupfsDriver}
 * strings them together: enable available controllers level by level, write and read back
 * limits, spawn with no escape window, kill with {@code cgroup.kill}, and remove with bounded
 * EBUSY retries.
 */
package io.boxd.cgroup;
