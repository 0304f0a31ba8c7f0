package io.boxd.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BusLocationTest {

    @ParameterizedTest(name = "uid {0}, XDG_RUNTIME_DIR={1}, configured={2} → {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "0    | -              | -                   | unix:path=/run/dbus/system_bus_socket | false",
            "0    | /run/user/0    | -                   | unix:path=/run/dbus/system_bus_socket | false",
            "1000 | /run/user/1000 | -                   | unix:path=/run/user/1000/bus          | true",
            "1000 | -              | -                   | unix:path=/run/user/1000/bus          | true",
            "1500 | /tmp/rt        | -                   | unix:path=/tmp/rt/bus                 | true",
            "1000 | /run/user/1000 | unix:path=/tmp/test | unix:path=/tmp/test                   | true"})
    void rootUsesTheSystemBusAndEveryoneElseTheirUserManager(int uid, String xdg, String configured, String address, boolean rootless) {
        BusLocation where = BusLocation.resolve(configured, uid, xdg);

        assertThat(where.address()).isEqualTo(address);
        assertThat(where.rootless()).isEqualTo(rootless);
    }
}
