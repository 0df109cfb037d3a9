package io.inboard.demo.walk;

import java.util.Map;

/**
 * One request to send: the headers that drive routing, and the key it is tallied under (the
 * routing header's value, so stickiness is checked per key).
 */
public record Probe(String key, Map<String, String> headers) {

    public Probe {
        headers = Map.copyOf(headers);
    }

    /** A request with no routing header, tallied under {@code "-"}. */
    public static Probe plain() {
        return new Probe("-", Map.of());
    }

    /** A request carrying {@code name: value}, tallied under {@code name=value}. */
    public static Probe withHeader(String name, String value) {
        return new Probe(name + "=" + value, Map.of(name, value));
    }
}
