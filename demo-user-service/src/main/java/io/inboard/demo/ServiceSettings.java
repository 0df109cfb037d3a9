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
 * @param canaryUrl     a second downstream taking {@code canaryPercent} of the calls, chosen by this
 *                      service itself (a canary coded by hand, without a mesh), or {@code null}
 * @param canaryPercent the share of calls, 0 to 100, that go to {@code canaryUrl}
 */
public record ServiceSettings(String host, int port, String version, String instance, URI downstreamUrl,
                              URI canaryUrl, int canaryPercent) {

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
        if (canaryPercent < 0 || canaryPercent > 100) {
            throw new IllegalArgumentException(
                    "DOWNSTREAM_CANARY_PERCENT must be between 0 and 100, got " + canaryPercent);
        }
        if (canaryUrl != null && downstreamUrl == null) {
            throw new IllegalArgumentException("DOWNSTREAM_CANARY_URL needs DOWNSTREAM_URL: the canary takes a "
                    + "share of the calls to it (set DOWNSTREAM_URL, or remove DOWNSTREAM_CANARY_URL)");
        }
    }

    /** Settings without a hand-coded canary. */
    public ServiceSettings(String host, int port, String version, String instance, URI downstreamUrl) {
        this(host, port, version, instance, downstreamUrl, null, 0);
    }

    /**
     * Reads {@code HOST}, {@code PORT}, {@code VERSION}, {@code INSTANCE}, {@code DOWNSTREAM_URL},
     * {@code DOWNSTREAM_CANARY_URL} and {@code DOWNSTREAM_CANARY_PERCENT}.
     */
    public static ServiceSettings fromEnvironment(Map<String, String> env) {
        URI canary = downstream("DOWNSTREAM_CANARY_URL", env.get("DOWNSTREAM_CANARY_URL"));
        return new ServiceSettings(
                env.get("HOST"),
                port(env.get("PORT")),
                env.getOrDefault("VERSION", DEFAULT_VERSION),
                env.get("INSTANCE"),
                downstream("DOWNSTREAM_URL", env.get("DOWNSTREAM_URL")),
                canary,
                canaryPercent(env.get("DOWNSTREAM_CANARY_PERCENT"), canary != null));
    }

    private static int canaryPercent(String value, boolean hasCanary) {
        if (!hasCanary && value != null && !value.isBlank()) {
            throw new IllegalArgumentException("DOWNSTREAM_CANARY_PERCENT is set but DOWNSTREAM_CANARY_URL is not: "
                    + "say where the canary's share of the calls goes, or remove DOWNSTREAM_CANARY_PERCENT");
        }
        if (value == null || value.isBlank()) {
            if (hasCanary) {
                throw new IllegalArgumentException("DOWNSTREAM_CANARY_URL is set but DOWNSTREAM_CANARY_PERCENT is "
                        + "not: say which share of the calls, 0 to 100, go to the canary (e.g. 10)");
            }
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "DOWNSTREAM_CANARY_PERCENT must be a whole number between 0 and 100, got '" + value + "'");
        }
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

    private static URI downstream(String variable, String value) {
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
            throw new IllegalArgumentException(variable + " must be an http(s) URL such as "
                    + "http://user/, got '" + value + "' (" + e.getReason() + ")");
        }
    }
}
