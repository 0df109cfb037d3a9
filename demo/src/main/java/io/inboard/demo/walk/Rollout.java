package io.inboard.demo.walk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Waits until the gateway and every agent route by a given config revision, read from the
 * {@code /config} of their admin endpoints, so that traffic measured after an apply is measured
 * against the new rules only.
 */
public final class Rollout {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private Rollout() {}

    /**
     * Returns how long it took until every endpoint reported at least {@code revision}.
     *
     * @throws IllegalStateException naming the endpoints still behind after {@code timeout}
     */
    public static Duration await(List<URI> adminUrls, long revision, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        for (URI admin : adminUrls) {
            String last = "no answer";
            while (true) {
                Long seen = null;
                try {
                    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(admin.resolve("/config"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    seen = response.statusCode() == 200 ? ControlPlaneClient.revisionIn(response.body()) : null;
                    last = seen == null ? "status " + response.statusCode() + " without a revision" : "revision " + seen;
                } catch (IOException e) {
                    last = e.toString();
                }
                if (seen != null && seen >= revision) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(admin.resolve("/config") + " still not at revision " + revision
                            + " after " + timeout.toMillis() + " ms (" + last + ")");
                }
                Thread.sleep(20);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
