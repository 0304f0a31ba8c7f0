/**
 * What boxd does to its own JVM while it starts. On a small host the JIT's C2 compiler spends
 * more CPU during Spring's start than the main thread does (about 2.4 s against 2.1 s by
 * readiness on the 2-core build host), compiling start-up code that never runs again. {@link
 * io.boxd.startup.CompilerThreads} runs C2 at nice 19 from {@code main} until boxd is ready, then
 * puts it back, so the start gets the cores and the lifecycle still gets C2. Parsing is pure
 * ({@link io.boxd.startup.TaskText}); the only I/O is {@code /proc/self} and {@code renice}.
 */
package io.boxd.startup;
