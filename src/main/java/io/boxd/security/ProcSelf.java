package io.boxd.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * boxd's own effective uid, gid and capabilities, from {@code /proc/self/status}. What boxd may
 * do follows from the capabilities, not from uid 0: as root, the image's entrypoint and the Helm
 * chart leave it only CAP_SETUID, CAP_SETGID and CAP_KILL.
 */
public record ProcSelf(int uid, int gid, long capEff) {

    public static final int CAP_SETGID = 6;
    public static final int CAP_SETUID = 7;
    public static final int CAP_SYS_NICE = 23;

    private static final Logger log = LoggerFactory.getLogger(ProcSelf.class);

    /** This process; with no readable status, uid and gid -1 and no capabilities. */
    public static ProcSelf read() {
        return read(Path.of("/proc/self/status"));
    }

    static ProcSelf read(Path status) {
        try {
            return parse(Files.readAllLines(status));
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read {} ({}); assuming boxd has no capabilities", status, e.toString());
            return new ProcSelf(-1, -1, 0);
        }
    }

    static ProcSelf parse(List<String> status) {
        int uid = -1;
        int gid = -1;
        long capEff = 0;
        for (String line : status) {
            String[] f = line.split("\\s+");
            switch (f[0]) {
                case "Uid:" -> uid = Integer.parseInt(f[2]);
                case "Gid:" -> gid = Integer.parseInt(f[2]);
                case "CapEff:" -> capEff = Long.parseUnsignedLong(f[1], 16);
                default -> {
                }
            }
        }
        return new ProcSelf(uid, gid, capEff);
    }

    /** Whether the effective set holds {@code capability} (its number, as in linux/capability.h). */
    public boolean has(int capability) {
        return (capEff & (1L << capability)) != 0;
    }

    /** CAP_SETUID and CAP_SETGID: boxd may start processes as another user. */
    public boolean canSwitch() {
        return has(CAP_SETUID) && has(CAP_SETGID);
    }
}
