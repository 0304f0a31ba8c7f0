/**
 * Reconciliation: at startup (before readiness is UP), every {@code boxd.reconcile.interval}
 * and on {@code POST /v1/reconcile}, make the box records and the cgroup tree agree. Orphan
 * cgroups are reaped, adopted or reported by policy; records whose cgroup is gone become LOST;
 * unfinished steps (CREATING, REMOVING) are rolled back or finished; states follow the kernel.
 * Since everything under the base without a record is an orphan, a boxd first locks its tree
 * ({@link io.boxd.reconcile.BaseLock}) and will not start on a tree another boxd holds; and a
 * cgroup marked by another database ({@link io.boxd.box.OwnerMark}) is foreign, never an orphan.
 */
package io.boxd.reconcile;
