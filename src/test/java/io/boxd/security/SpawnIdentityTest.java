package io.boxd.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxd.box.BoxProblems;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The uid/gid policy for spawned processes, for a boxd that can and one that cannot switch users. */
class SpawnIdentityTest {

    static final ProcSelf ROOT = new ProcSelf(0, 0, 1L << ProcSelf.CAP_SETUID | 1L << ProcSelf.CAP_SETGID);
    static final ProcSelf ROOTLESS = new ProcSelf(1000, 1000, 0);

    static SpawnIdentity policy(ProcSelf self, List<Integer> uids, List<Integer> gids) {
        return new SpawnIdentity(new SpawnProperties(65534, 65534, ranges(uids), ranges(gids)), self);
    }

    static List<IdRange> ranges(List<Integer> ids) {
        return ids == null ? null : ids.stream().map(i -> new IdRange(i, i)).toList();
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
    void aRangeAllowsEveryIdInItAndNoOther() {
        SpawnIdentity p = new SpawnIdentity(new SpawnProperties(65534, 65534,
                List.of(IdRange.valueOf("100000-100999"), IdRange.valueOf("1000")), List.of(IdRange.valueOf("100000-100999"))), ROOT);
        assertThat(p.resolve(100000, 100000)).isEqualTo(new SpawnIdentity.Identity(100000, 100000));
        assertThat(p.resolve(100999, 100999)).isEqualTo(new SpawnIdentity.Identity(100999, 100999));
        assertThat(p.resolve(1000, null)).isEqualTo(new SpawnIdentity.Identity(1000, 65534));
        assertThatThrownBy(() -> p.resolve(101000, 99999))
                .isInstanceOfSatisfying(BoxProblems.Invalid.class, e -> assertThat(e.violations())
                        .extracting(BoxProblems.Invalid.Violation::field).containsExactly("uid", "gid"))
                .hasMessageContaining("boxd.spawn.allowed-uids [100000-100999, 1000]");
        assertThatThrownBy(() -> p.resolve(0, null)).isInstanceOf(BoxProblems.Invalid.class);
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
}
