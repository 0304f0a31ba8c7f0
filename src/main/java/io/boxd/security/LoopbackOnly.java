package io.boxd.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code boxd.security.mode=insecure-loopback-only} binds 127.0.0.1: when nothing sets
 * {@code server.address}, this sets it (and {@code management.server.address} when the actuator
 * has a port of its own); an address that
 * is set and is not a loopback address stops boxd in {@link SecurityConfig}.
 */
class LoopbackOnly implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE = "boxd-insecure-loopback-only";
    static final String LOOPBACK = "127.0.0.1";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication app) {
        if (!insecure(env)) {
            return;
        }
        Map<String, Object> forced = new java.util.LinkedHashMap<>();
        if (blank(env.getProperty("server.address"))) {
            forced.put("server.address", LOOPBACK);
        }
        // A separate management port has its own address, which defaults to every interface.
        if (!blank(env.getProperty("management.server.port")) && blank(env.getProperty("management.server.address"))) {
            forced.put("management.server.address", LOOPBACK);
        }
        if (!forced.isEmpty()) {
            env.getPropertySources().addFirst(new MapPropertySource(SOURCE, forced));
        }
    }

    @Override
    public int getOrder() {
        // After the config files are read, so their server.address counts as set.
        return Ordered.LOWEST_PRECEDENCE;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static boolean insecure(Environment env) {
        String mode = env.getProperty("boxd.security.mode", "tokens").trim().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-');
        return mode.equals("insecure-loopback-only");
    }

    /** True for 127.0.0.0/8, ::1 and names that resolve only to them ("localhost"). */
    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            InetAddress[] all = InetAddress.getAllByName(address.trim());
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
