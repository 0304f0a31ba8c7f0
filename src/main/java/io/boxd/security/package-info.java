/**
 * Who may call boxd, and as whom boxd runs what it is asked to run. Bearer tokens
 * ({@code name:token:role}) checked by one servlet filter in constant time, roles {@code viewer}
 * (GET/HEAD) and {@code operator} (everything), 401/403 as problem+json, the actor name each
 * mutating request leaves in the box's history, a refusal to start without a token (unless
 * {@code boxd.security.mode=insecure-loopback-only}, which binds 127.0.0.1 only), and the
 * uid/gid policy for spawned processes ({@code boxd.spawn.*}).
 */
package io.boxd.security;
