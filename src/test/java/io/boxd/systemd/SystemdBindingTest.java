package io.boxd.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Stream;
import org.freedesktop.dbus.Marshalling;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java binding sends exactly the signatures systemd's org.freedesktop.systemd1.Manager
 * documents; a mismatch is an UnknownMethod error on a real host.
 */
class SystemdBindingTest {

    static Stream<Arguments> systemdSignatures() {
        return Stream.of(
                Arguments.of("StartTransientUnit", "ssa(sv)a(sa(sv))", "o"),
                Arguments.of("StopUnit", "ss", "o"),
                Arguments.of("ResetFailedUnit", "s", ""),
                Arguments.of("SetUnitProperties", "sba(sv)", ""),
                Arguments.of("GetUnit", "s", "o"),
                Arguments.of("ListUnitsByPatterns", "asas", "a(ssssssouso)"),
                Arguments.of("Subscribe", "", ""));
    }

    @ParameterizedTest(name = "{0}({1}) -> {2}")
    @MethodSource("systemdSignatures")
    void managerMethodsUseSystemdsSignatures(String name, String in, String out) throws Exception {
        Method m = Arrays.stream(SystemdManager.class.getMethods()).filter(x -> x.getName().equals(name)).findFirst().orElseThrow();

        assertThat(Marshalling.getDBusType(m.getGenericParameterTypes())).isEqualTo(in);
        String ret = m.getReturnType() == void.class ? "" : String.join("", Marshalling.getDBusType(m.getGenericReturnType()));
        assertThat(ret).isEqualTo(out);
    }

    @org.junit.jupiter.api.Test
    void jobRemovedIsReadAsSystemdSendsIt() throws Exception {
        var ctor = SystemdManager.JobRemoved.class.getConstructors()[0];
        var types = Arrays.copyOfRange(ctor.getGenericParameterTypes(), 1, ctor.getParameterCount());

        assertThat(Marshalling.getDBusType(types)).isEqualTo("uoss");
    }

    @org.junit.jupiter.api.Test
    void systemdsErrorsMapToClassesOfTheSameNameSoTheDriverCanTellThemApart() {
        assertThat(SystemdBus.UNIT_EXISTS).isEqualTo("org.freedesktop.systemd1.UnitExists");
        assertThat(SystemdBus.NO_SUCH_UNIT).isEqualTo("org.freedesktop.systemd1.NoSuchUnit");
    }
}
