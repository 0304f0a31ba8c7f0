package io.boxd.cgroup;

/**
 * Every kernel test of the driver again, with processes started through the {@code /bin/sh}
 * wrapper: the launcher boxd falls back to where there is no perl.
 */
class ShellWrapperKernelTest extends CgroupfsDriverKernelTest {

    @Override
    boolean spawnServer() {
        return false;
    }

    /** sh, setsid and setpriv cannot unblock a signal: the JVM's SIGQUIT stays blocked here (README). */
    @Override
    boolean clearsSignalMask() {
        return false;
    }

    @Override
    String expectedLauncher() {
        return "shell wrapper";
    }
}
