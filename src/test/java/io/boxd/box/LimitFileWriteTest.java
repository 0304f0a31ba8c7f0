package io.boxd.box;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxd.limits.LimitValue;
import io.boxd.limits.Limits;
import io.boxd.testkit.DriverProxy;
import io.boxd.testkit.Scratch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestExecutionListeners;

/**
 * A limit file written in a box's cgroup by someone other than boxd: {@code enforced} follows
 * the kernel as the write happens, not at the next reconcile (off here). This host's v2
 * hierarchy has no memory, cpu or pids controller, so no real limit file exists; the real
 * driver runs behind a proxy that takes {@code cgroup.max.descendants}, a writable file of
 * every cgroup, for a stand-in of {@code pids.max}. The write, the inotify event on cgroupfs and
 * everything boxd does after it are real. Kernel lab scenario 10 writes the real files.
 */
@SpringBootTest
@TestExecutionListeners(listeners = Scratch.CleanUp.class, mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
class LimitFileWriteTest {

    private static final Scratch SCRATCH = Scratch.create("limitwrite");
    private static final String STAND_IN = "cgroup.max.descendants";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        SCRATCH.register(r);
        r.add("boxd.reconcile.interval", () -> "0");
        r.add("boxd.enforcement", () -> "best-effort");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class StandIn {
        @Bean
        static BeanPostProcessor standInLimitFile() {
            return DriverProxy.around((m, args, driver, real) -> {
                if (m.getName().equals("isLimitFile") && STAND_IN.equals(args[0])) {
                    return true;
                }
                Object out = real.call();
                return m.getName().equals("readEnforced")
                        ? withStandIn((Limits) out, Path.of(driver.cgroupPath((String) args[0]))) : out;
            });
        }

        /** The stand-in's value as pidsMax; unset while it says "max", as a box starts. */
        private static Limits withStandIn(Limits real, Path dir) throws IOException {
            String text = Files.readString(dir.resolve(STAND_IN)).trim();
            LimitValue v = text.equals(LimitValue.MAX) ? null : LimitValue.parseKernel(text);
            return new Limits(real.memoryMaxBytes(), real.memoryHighBytes(), real.memorySwapMaxBytes(), real.cpuMax(),
                    real.cpuWeight(), v);
        }
    }

    @Autowired
    BoxService service;

    @Test
    void aLimitWrittenOutsideBoxdIsEnforcedAsWrittenAndToldInTheHistory() throws Exception {
        Box box = service.create(new NewBox("outside-1", null, null, null));
        assertThat(box.enforced().pidsMax()).isNull();
        Path standIn = Path.of(box.cgroupPath()).resolve(STAND_IN);

        Files.writeString(standIn, "5");
        awaitUntil(() -> service.get("outside-1").enforced().pidsMax() != null);
        Box after = service.get("outside-1");
        assertThat(after.enforced().pidsMax()).isEqualTo(LimitValue.of(5));
        assertThat(after.limits()).as("what was requested stays (pidsMax 1024, the default)").isEqualTo(box.limits());
        assertThat(changes("outside-1")).singleElement().satisfies(d -> assertThat(d)
                .contains("the kernel now enforces {pidsMax=5}", "after a write to a limit file"));

        Files.writeString(standIn, "max");
        awaitUntil(() -> service.get("outside-1").enforced().pidsMax() == null);
        assertThat(changes("outside-1")).hasSize(2).last().satisfies(d -> assertThat(d).contains("(was {pidsMax=5})"));
        service.delete("outside-1", true);
    }

    private List<String> changes(String id) {
        return service.events(id).stream().filter(e -> e.type().equals("enforced-changed")).map(BoxEvent::detail).toList();
    }

    private static void awaitUntil(Supplier<Boolean> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s");
            }
            Thread.sleep(20);
        }
    }
}
