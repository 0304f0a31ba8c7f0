/**
 * The seam between boxd's box logic and whatever really places and limits processes. The
 * {@code cgroup} package implements it on cgroupfs; the {@code systemd} package asks systemd over
 * D-Bus. Everything above this package is driver-agnostic. {@code Adoption} is the one rule both
 * drivers apply before they move a process in: what a box must never hold.
 */
package io.boxd.driver;
