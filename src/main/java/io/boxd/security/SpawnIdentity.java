package io.boxd.security;

import io.boxd.box.BoxProblems.Invalid;
import io.boxd.box.BoxProblems.Invalid.Violation;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * As whom a spawned process runs. When boxd can change identity (CAP_SETUID and CAP_SETGID, as
 * root has), every process runs as {@code boxd.spawn.uid}/{@code gid} (65534 by default), or as
 * the uid/gid the request names if it is the default or listed in
 * {@code boxd.spawn.allowed-uids}/{@code allowed-gids}; anything else is a 400 naming the field.
 * When boxd cannot (rootless), processes run as boxd's own user, and a request may name only
 * that uid/gid.
 */
@Component
public class SpawnIdentity {

    private static final Logger log = LoggerFactory.getLogger(SpawnIdentity.class);

    /** The uid and gid to start as; both null means "as boxd itself" (no privilege change). */
    public record Identity(Integer uid, Integer gid) {
        @Override
        public String toString() {
            return uid == null ? "boxd's own user" : "uid " + uid + " gid " + gid;
        }
    }

    private final SpawnProperties props;
    private final boolean canSwitch;
    private final int ownUid;
    private final int ownGid;

    @Autowired
    SpawnIdentity(SpawnProperties props) {
        this(props, ProcSelf.read());
    }

    SpawnIdentity(SpawnProperties props, ProcSelf self) {
        this.props = props;
        this.canSwitch = self.canSwitch();
        this.ownUid = self.uid();
        this.ownGid = self.gid();
        if (canSwitch) {
            log.info("spawned processes run as uid {} gid {} unless a request names an allowed one (uids {}, gids {})",
                    props.uid(), props.gid(), props.allowedUids(), props.allowedGids());
            if (props.uid() == 0 || props.allowsUid(0)) {
                log.warn("boxd.spawn allows uid 0: a request can run processes as root");
            }
        } else {
            log.info("boxd runs as uid {} gid {} without CAP_SETUID/CAP_SETGID: spawned processes run as that user "
                    + "(boxd.spawn.uid/gid do not apply)", ownUid, ownGid);
        }
    }

    /** The identity for a request's uid/gid (each may be null), or a 400 naming uid and/or gid. */
    public Identity resolve(Integer uid, Integer gid) {
        List<Violation> bad = new ArrayList<>();
        if (!canSwitch) {
            if (uid != null && uid != ownUid) {
                bad.add(new Violation("uid", "must be " + ownUid + " or absent: boxd runs as uid " + ownUid
                        + " without CAP_SETUID, so it starts processes only as itself"));
            }
            if (gid != null && gid != ownGid) {
                bad.add(new Violation("gid", "must be " + ownGid + " or absent: boxd runs as gid " + ownGid
                        + " without CAP_SETGID, so it starts processes only as itself"));
            }
            throwIf(bad);
            return new Identity(null, null);
        }
        if (uid != null && uid != props.uid() && !props.allowsUid(uid)) {
            bad.add(new Violation("uid", "is not allowed: " + uid + " is neither boxd.spawn.uid (" + props.uid()
                    + ") nor in boxd.spawn.allowed-uids " + props.allowedUids()));
        }
        if (gid != null && gid != props.gid() && !props.allowsGid(gid)) {
            bad.add(new Violation("gid", "is not allowed: " + gid + " is neither boxd.spawn.gid (" + props.gid()
                    + ") nor in boxd.spawn.allowed-gids " + props.allowedGids()));
        }
        throwIf(bad);
        return new Identity(uid == null ? props.uid() : uid, gid == null ? props.gid() : gid);
    }

    private static void throwIf(List<Violation> bad) {
        if (!bad.isEmpty()) {
            throw new Invalid(bad);
        }
    }
}
