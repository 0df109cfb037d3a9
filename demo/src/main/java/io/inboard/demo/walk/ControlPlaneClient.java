package io.inboard.demo.walk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few config server calls the walk-through needs: apply a file, read the revision, list instances. */
public final class ControlPlaneClient {

    private static final Pattern REVISION = Pattern.compile("\"revision\"\\s*:\\s*(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI server;

    public ControlPlaneClient(URI server) {
        this.server = server;
    }

    /** {@code POST /v1/apply} with the file's documents; returns the revision now in force. */
    public long apply(Path file) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.resolve("/v1/apply"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/yaml")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(file)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("applying " + file + " failed with status " + response.statusCode()
                    + ": " + response.body());
        }
        return revision();
    }

    /** The config server's current revision, from {@code /readyz}. */
    public long revision() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.resolve("/readyz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = REVISION.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("no revision in " + server.resolve("/readyz") + " (status "
                    + response.statusCode() + "): " + response.body());
        }
        return Long.parseLong(m.group(1));
    }

    /** Waits until at least {@code expected} instances of each service are registered in {@code namespace}. */
    public void awaitInstances(String namespace, Map<String, Integer> expected, Duration timeout)
            throws IOException, InterruptedException {
        URI list = server.resolve("/v1/namespaces/" + namespace + "/instances");
        long deadline = System.nanoTime() + timeout.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            String listed = HTTP.send(HttpRequest.newBuilder(list).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            body = listed;
            if (expected.entrySet().stream().allMatch(e -> count(listed, e.getKey()) >= e.getValue())) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("expected instances " + expected + " in " + list + " after "
                + timeout.toSeconds() + " s, found: " + body);
    }

    private static int count(String body, String service) {
        Matcher m = Pattern.compile("\"service\"\\s*:\\s*\"" + Pattern.quote(service) + "\"").matcher(body);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static Long revisionIn(String json) {
        Matcher m = REVISION.matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : null;
    }
}
