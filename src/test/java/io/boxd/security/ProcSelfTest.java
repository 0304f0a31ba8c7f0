package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProcSelfTest {

    static Stream<Arguments> statuses() {
        return Stream.of(
                // uid 0 with every capability (a root shell on this host)
                Arguments.of(List.of("Name:\tjava", "Umask:\t0022", "Uid:\t0\t0\t0\t0", "Gid:\t0\t0\t0\t0",
                        "CapInh:\t0000000000000000", "CapPrm:\t000001ffffffffff", "CapEff:\t000001ffffffffff"),
                        new ProcSelf(0, 0, 0x1ffffffffffL), true, true),
                // uid 0 as the Helm chart and the image run it: setuid, setgid and kill only (CapEff e0)
                Arguments.of(List.of("Uid:\t0\t0\t0\t0", "Gid:\t0\t0\t0\t0", "CapEff:\t00000000000000e0"),
                        new ProcSelf(0, 0, 0xe0L), true, false),
                // an unprivileged user; the effective ids are the second field
                Arguments.of(List.of("Uid:\t1000\t1001\t1000\t1000", "Gid:\t100\t100\t100\t100", "CapEff:\t0000000000000000"),
                        new ProcSelf(1001, 100, 0), false, false),
                Arguments.of(List.of("Uid:\t1000\t0\t0\t0", "Gid:\t5\t5\t5\t5", "CapEff:\t0000000000000000"),
                        new ProcSelf(0, 5, 0), false, false),
                Arguments.of(List.of("Uid:\t5\t5\t5\t5", "Gid:\t5\t5\t5\t5", "CapEff:\t0000000000000080"),
                        new ProcSelf(5, 5, 0x80L), false, false),
                Arguments.of(List.of("Uid:\t5\t5\t5\t5", "Gid:\t5\t5\t5\t5", "CapEff:\t00000000000000c0"),
                        new ProcSelf(5, 5, 0xc0L), true, false),
                // CAP_SYS_NICE alone (bit 23)
                Arguments.of(List.of("Uid:\t5\t5\t5\t5", "Gid:\t5\t5\t5\t5", "CapEff:\t0000000000800000"),
                        new ProcSelf(5, 5, 0x800000L), false, true),
                Arguments.of(List.of("Name:\tjava"), new ProcSelf(-1, -1, 0), false, false));
    }

    @ParameterizedTest
    @MethodSource("statuses")
    void idsAndCapabilitiesComeFromTheEffectiveFields(List<String> status, ProcSelf self, boolean canSwitch, boolean sysNice) {
        ProcSelf parsed = ProcSelf.parse(status);
        assertThat(parsed).isEqualTo(self);
        assertThat(parsed.canSwitch()).isEqualTo(canSwitch);
        assertThat(parsed.has(ProcSelf.CAP_SYS_NICE)).isEqualTo(sysNice);
    }

    @Test
    void anUnreadableStatusMeansNoCapabilities() {
        assertThat(ProcSelf.read(Path.of("/proc/self/no-such-file"))).isEqualTo(new ProcSelf(-1, -1, 0));
    }
}
