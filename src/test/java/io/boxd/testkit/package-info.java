/**
 * Test support shared by every package's kernel tests: reading the real cgroup v2 hierarchy and
 * {@code /proc} independently of boxd's own code, and cleaning up what a test made there (kill
 * every cgroup depth first, then rmdir), so no test trusts the code it checks to tidy up after it;
 * the one HTTP client the tests talk to a running boxd with; and boxd's migrations, for a test
 * that makes its database itself.
 */
package io.boxd.testkit;
