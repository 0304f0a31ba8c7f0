package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.box.BoxProblems;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The uid/gid policy for spawned processes, for a boxd that can and one that cannot switch users. */
class SpawnIdentityTest {

    static final SpawnIdentity.ProcSelf ROOT = new SpawnIdentity.ProcSelf(0, 0, true);
    static final SpawnIdentity.ProcSelf ROOTLESS = new SpawnIdentity.ProcSelf(1000, 1000, false);

    static SpawnIdentity policy(SpawnIdentity.ProcSelf self, List<Integer> uids, List<Integer> gids) {
        return new SpawnIdentity(new SpawnProperties(65534, 65534, uids, gids), self);
    }

    @Test
    void byDefaultEverythingRunsAsNobody() {
        assertThat(policy(ROOT, null, null).resolve(null, null)).isEqualTo(new SpawnIdentity.Identity(65534, 65534));
        assertThat(policy(ROOT, null, null).resolve(65534, 65534)).isEqualTo(new SpawnIdentity.Identity(65534, 65534));
    }

    @Test
    void rootAndOtherUidsAreRefusedUnlessAllowed() {
        SpawnIdentity p = policy(ROOT, List.of(1000), List.of(100));
        assertThat(p.resolve(1000, null)).isEqualTo(new SpawnIdentity.Identity(1000, 65534));
        assertThat(p.resolve(null, 100)).isEqualTo(new SpawnIdentity.Identity(65534, 100));
        assertThatThrownBy(() -> p.resolve(0, 0))
                .isInstanceOfSatisfying(BoxProblems.Invalid.class, e -> assertThat(e.violations())
                        .extracting(BoxProblems.Invalid.Violation::field).containsExactly("uid", "gid"))
                .hasMessageContaining("boxd.spawn.allowed-uids [1000]");
        assertThatThrownBy(() -> p.resolve(1001, null)).isInstanceOf(BoxProblems.Invalid.class);
    }

    @Test
    void rootIsAllowedOnlyWhenListed() {
        assertThat(policy(ROOT, List.of(0), List.of(0)).resolve(0, 0)).isEqualTo(new SpawnIdentity.Identity(0, 0));
    }

    @Test
    void withoutSetuidProcessesRunAsBoxdItself() {
        SpawnIdentity p = policy(ROOTLESS, List.of(0), null);
        assertThat(p.resolve(null, null)).isEqualTo(new SpawnIdentity.Identity(null, null));
        assertThat(p.resolve(1000, 1000)).isEqualTo(new SpawnIdentity.Identity(null, null));
        assertThatThrownBy(() -> p.resolve(0, null))
                .isInstanceOf(BoxProblems.Invalid.class)
                .hasMessageContaining("without CAP_SETUID");
    }

    @Test
    void readsCapabilitiesFromProcSelfStatus() {
        List<String> root = List.of("Name:\tjava", "Uid:\t0\t0\t0\t0", "Gid:\t0\t0\t0\t0", "CapEff:\t000001ffffffffff");
        assertThat(SpawnIdentity.ProcSelf.parse(root)).isEqualTo(new SpawnIdentity.ProcSelf(0, 0, true));
        List<String> user = List.of("Uid:\t1000\t1001\t1000\t1000", "Gid:\t100\t100\t100\t100", "CapEff:\t0000000000000000");
        assertThat(SpawnIdentity.ProcSelf.parse(user)).isEqualTo(new SpawnIdentity.ProcSelf(1001, 100, false));
        List<String> onlySetuid = List.of("Uid:\t5\t5\t5\t5", "Gid:\t5\t5\t5\t5", "CapEff:\t0000000000000080");
        assertThat(SpawnIdentity.ProcSelf.parse(onlySetuid).canSwitch()).isFalse();
        List<String> both = List.of("Uid:\t5\t5\t5\t5", "Gid:\t5\t5\t5\t5", "CapEff:\t00000000000000c0");
        assertThat(SpawnIdentity.ProcSelf.parse(both).canSwitch()).isTrue();
    }
}
