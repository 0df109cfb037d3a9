package io.inboard.e2e;

import io.inboard.demo.walk.Answer;
import io.inboard.demo.walk.Probe;
import io.inboard.demo.walk.TrafficDriver;
import io.inboard.demo.walk.TrafficPath;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A steady, bounded load: a few client threads each send one request after another, cycling
 * through the paths and probes, until stopped (or a request cap is hit); every answer is kept
 * with the moment it arrived.
 */
final class SteadyLoad implements AutoCloseable {

    /** One request of the load, stamped when it was sent. */
    record Sample(long atNanos, TrafficPath path, Probe probe, Answer answer) {}

    private static final int MAX_REQUESTS = 200_000;

    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> clients = new ArrayList<>();

    SteadyLoad(TrafficDriver driver, List<TrafficPath> paths, List<Probe> probes, int threads) {
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread client = new Thread(() -> {
                for (int i = offset; running.get() && samples.size() < MAX_REQUESTS; i++) {
                    TrafficPath path = paths.get(i % paths.size());
                    Probe probe = probes.get((i / paths.size()) % probes.size());
                    long sentAt = System.nanoTime();
                    Answer answer = driver.send(path, probe);
                    samples.add(new Sample(sentAt, path, probe, answer));
                }
            }, "steady-load-" + t);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
    }

    int count() {
        return samples.size();
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
