package io.boxd.driver;

/**
 * A box's cgroup is already there although boxd has no record of the box: an orphan, which
 * reconciliation handles by its policy. Nothing of it was touched.
 */
public class CgroupExistsException extends DriverException {
    public CgroupExistsException(String cgroupPath) {
        super("cgroup " + cgroupPath + " already exists with no box record: an orphan, which reconciliation "
                + "handles by boxd.reconcile.orphans (reap, adopt or report; POST /v1/reconcile runs it now). "
                + "Use another id, or create again once it is gone");
    }
}
