package io.inboard.demo.walk;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A way into the user service: through the gateway on one of its domains, or service to service
 * through the frontend, which calls {@code http://user/} and reports who answered it.
 *
 * @param label       how the table names it
 * @param target      where the request is sent
 * @param hostHeader  the virtual host to ask the gateway for, or {@code null}
 * @param viaFrontend whether the user's answer is the frontend's downstream answer
 */
public record TrafficPath(String label, URI target, String hostHeader, boolean viaFrontend) {

    public static final String USER_DOMAIN = "user.traffic-management.example.com";
    public static final String PREFIX_DOMAIN = "microservice.traffic-management.example.com";

    /** {@code user.traffic-management.example.com/} through the gateway. */
    public static TrafficPath gatewayUserDomain(URI gateway) {
        return new TrafficPath("gateway (user domain) /", gateway.resolve("/"), USER_DOMAIN, false);
    }

    /** {@code microservice.traffic-management.example.com/user/list} through the gateway (prefix rewritten). */
    public static TrafficPath gatewayPrefixDomain(URI gateway) {
        return new TrafficPath("gateway (microservice domain) /user/list", gateway.resolve("/user/list"),
                PREFIX_DOMAIN, false);
    }

    /** The frontend's {@code GET /}, which calls {@code http://user/} through the agent. */
    public static TrafficPath frontend(URI frontend) {
        return new TrafficPath("frontend -> http://user/", frontend.resolve("/"), null, true);
    }

    HttpRequest request(Probe probe) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(15)).GET();
        if (hostHeader != null) {
            builder.header("Host", hostHeader);
        }
        probe.headers().forEach(builder::header);
        return builder.build();
    }

    Answer read(HttpResponse<?> response) {
        String versionHeader = viaFrontend ? "x-downstream-version" : "x-user-version";
        String instanceHeader = viaFrontend ? "x-downstream-instance" : "x-user-instance";
        String version = response.headers().firstValue(versionHeader).orElse(null);
        String instance = response.headers().firstValue(instanceHeader).orElse(null);
        if (response.statusCode() / 100 != 2 || version == null || instance == null) {
            String reason = response.headers().firstValue("x-inboard-reason")
                    .or(() -> response.headers().firstValue("x-downstream-status").map(s -> "downstream status " + s))
                    .orElse("no " + versionHeader + " header");
            return Answer.failed(response.statusCode(), "status " + response.statusCode() + ": " + reason);
        }
        return new Answer(response.statusCode(), version, instance, null);
    }
}
