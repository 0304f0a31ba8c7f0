/**
 * The HTTP API (v1): thin controllers over {@code io.boxd.box}, one problem handler that turns
 * every failure into {@code application/problem+json} with a stable {@code urn:boxd:problem:*}
 * type, a body-size cap, and the actuator's {@code cgroup} health indicator.
 */
package io.boxd.api;
