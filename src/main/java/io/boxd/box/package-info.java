/**
 * Boxes as records: the lifecycle ({@link io.boxd.box.BoxService}) that writes its intent to the
 * database before it touches the kernel and records every step in the box's history, the
 * repository and its H2 or PostgreSQL schema, per-box locks, the exit watcher, the data dir, the
 * cap on each box's log ({@link io.boxd.box.LogCap}), the compaction of the embedded H2 file
 * ({@link io.boxd.box.H2Housekeeping}), the meters for operators
 * ({@link io.boxd.box.BoxMetrics}), the database id that marks each box's cgroup
 * ({@link io.boxd.box.OwnerMark}), and how database failures are told apart from bugs
 * ({@link io.boxd.box.DatabaseFailures}) and said at a failed start
 * ({@link io.boxd.box.DatabaseFailureAnalyzer}). The kernel side is behind
 * {@link io.boxd.driver.BoxDriver}; nothing here touches cgroupfs.
 */
package io.boxd.box;
