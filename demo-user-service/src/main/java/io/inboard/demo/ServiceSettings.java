package io.inboard.demo;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * What one demo user service instance is: its port, its version, its instance name and the
 * optional downstream it calls, read from the environment.
 *
 * @param host          the address to bind ({@code HOST}, default all interfaces as a container needs)
 * @param port          the port to listen on; 0 picks a free one
 * @param version       the version this instance answers as, e.g. {@code v1}
 * @param instance      the instance name shown in every answer, or {@code null} for host-port
 * @param downstreamUrl the service to call on each request, or {@code null} for none
 */
public record ServiceSettings(String host, int port, String version, String instance, URI downstreamUrl) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_VERSION = "v1";

    public ServiceSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PORT must be between 0 and 65535, got " + port);
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("VERSION must not be empty (set e.g. VERSION=v1)");
        }
        if (host == null || host.isBlank()) {
            host = DEFAULT_HOST;
        }
        if (instance != null && instance.isBlank()) {
            instance = null;
        }
    }

    /** Reads {@code HOST}, {@code PORT}, {@code VERSION}, {@code INSTANCE} and {@code DOWNSTREAM_URL}. */
    public static ServiceSettings fromEnvironment(Map<String, String> env) {
        return new ServiceSettings(
                env.get("HOST"),
                port(env.get("PORT")),
                env.getOrDefault("VERSION", DEFAULT_VERSION),
                env.get("INSTANCE"),
                downstream(env.get("DOWNSTREAM_URL")));
    }

    private static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "PORT must be a number between 0 and 65535, got '" + value + "'");
        }
    }

    private static URI downstream(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(value.trim());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(value, "expected an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("DOWNSTREAM_URL must be an http(s) URL such as "
                    + "http://user/, got '" + value + "' (" + e.getReason() + ")");
        }
    }
}
