package io.inboard.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.ContentResponse;

/**
 * A bounded, steady load through the gateway from a few client threads, each sending one request
 * after the other (closed loop) on both domains, with and without {@code mode: dev}. Every answer
 * that is not a 200 from an upstream, and every exception, counts as a failure and is kept.
 */
final class SteadyLoad implements AutoCloseable {
  final AtomicInteger sent = new AtomicInteger();
  final List<String> failures = new CopyOnWriteArrayList<>();
  /** "domain mode → version → count", to check what each phase routed. */
  final Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  SteadyLoad(TestClient client, int concurrency) {
    for (int t = 0; t < concurrency; t++) {
      int id = t;
      Thread thread = new Thread(() -> {
        for (int i = 0; running.get(); i++) {
          boolean user = (i + id) % 2 == 0;
          boolean dev = i % 3 == 0;
          String domain = user ? WalkThroughMesh.USER_HOST : WalkThroughMesh.MICROSERVICE_HOST;
          String path = user ? "/list" : "/user/list";
          try {
            ContentResponse response = dev
                ? client.get(domain, path, "mode", "dev", "my-header", "u" + (i % 50))
                : client.get(domain, path, "my-header", "u" + (i % 50));
            sent.incrementAndGet();
            String version = TestClient.echo(response).get("version");
            if (response.getStatus() != 200 || version == null) {
              failures.add(domain + path + " -> " + response.getStatus() + " "
                  + response.getHeaders().get("x-inboard-reason"));
            } else {
              versions.computeIfAbsent((dev ? "dev " : "plain ") + version, k -> new AtomicInteger()).incrementAndGet();
            }
          } catch (Exception e) {
            sent.incrementAndGet();
            failures.add(domain + path + " -> " + e);
          }
        }
      }, "steady-load-" + t);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
  }

  /** Forgets the versions seen so far, to look at the next phase alone. */
  void resetVersions() {
    versions.clear();
  }

  int count(String key) {
    AtomicInteger n = versions.get(key);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(60_000);
    }
  }
}
