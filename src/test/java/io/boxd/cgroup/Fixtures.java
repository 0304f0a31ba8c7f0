package io.boxd.cgroup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Kernel text captured from real hosts, under src/test/resources/kernel. */
final class Fixtures {

    private Fixtures() {
    }

    static String kernel(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/kernel/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
