/**
 * Reconciliation: at startup (before readiness is UP), every {@code boxd.reconcile.interval}
 * and on {@code POST /v1/reconcile}, make the box records and the cgroup tree agree. Orphan
 * cgroups are reaped, adopted or reported by policy; records whose cgroup is gone become LOST;
 * unfinished steps (CREATING, REMOVING) are rolled back or finished; states follow the kernel.
 */
package io.boxd.reconcile;
