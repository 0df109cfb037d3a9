package io.inboard.demo.walk;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Sends probes along a traffic path with a few requests in flight, and tallies who answered.
 * Requests carry the gateway's virtual host in {@code Host}, which the JDK client allows only
 * with {@code -Djdk.httpclient.allowRestrictedHeaders=host} set before its first use.
 */
public final class TrafficDriver implements AutoCloseable {

    private final HttpClient http;
    private final int inFlight;

    public TrafficDriver(int inFlight) {
        this.inFlight = inFlight;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Makes sure {@code Host} can be set; call before any JDK HTTP client is used in this JVM. */
    public static void allowHostHeader() {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    /** Sends every probe once (in order, {@code inFlight} at a time) and returns the tally. */
    public Tally drive(TrafficPath path, List<Probe> probes) throws InterruptedException {
        Tally tally = new Tally();
        ExecutorService senders = Executors.newFixedThreadPool(inFlight);
        try {
            for (Probe probe : probes) {
                senders.execute(() -> tally.add(probe, send(path, probe)));
            }
        } finally {
            senders.shutdown();
            if (!senders.awaitTermination(10, TimeUnit.MINUTES)) {
                senders.shutdownNow();
                throw new IllegalStateException("traffic on " + path.label() + " did not finish in 10 minutes");
            }
        }
        return tally;
    }

    /** One request; a failure to connect or a bad status becomes a failed answer, never an exception. */
    public Answer send(TrafficPath path, Probe probe) {
        try {
            HttpResponse<Void> response = http.send(path.request(probe), HttpResponse.BodyHandlers.discarding());
            return path.read(response);
        } catch (IOException e) {
            return Answer.failed(0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.failed(0, "interrupted");
        } catch (IllegalArgumentException e) {
            // The JDK client refuses Host unless allowed; say how to fix it rather than failing every request.
            throw new IllegalStateException(e.getMessage()
                    + " (start the JVM with -Djdk.httpclient.allowRestrictedHeaders=host)", e);
        }
    }

    @Override
    public void close() {
        // The JDK client's threads are daemons and its connections close with it; nothing to wait for.
    }
}
