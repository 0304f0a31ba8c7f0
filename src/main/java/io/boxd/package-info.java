/**
 * boxd: a REST control plane that gives every box (a micro-VM's shim tree or a code-execution
 * job) its own cgroup v2 with enforced limits. Packages are features: {@code api} (HTTP),
 * {@code box} (records, lifecycle, history), {@code limits} (what can be asked), {@code driver}
 * (the seam to the kernel), {@code cgroup} (cgroupfs), {@code systemd} (D-Bus),
 * {@code reconcile} (orphans and drift), {@code security} (tokens and who may spawn as whom) and
 * {@code startup} (boxd's own JVM while it starts).
 */
package io.boxd;
