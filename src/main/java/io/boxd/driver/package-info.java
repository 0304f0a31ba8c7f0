/**
 * The seam between boxd's box logic and whatever really places and limits processes. The
 * {@code cgroup} package implements it on cgroupfs; the {@code systemd} package asks systemd over
 * D-Bus. Everything above this package is driver-agnostic.
 */
package io.boxd.driver;
