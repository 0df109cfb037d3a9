package io.inboard.agent.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.inboard.core.controlplane.SnapshotWire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The config server's REST contract for agents, in a few lines, for unit-level tests of the control
 * plane: instance leases (recorded, not expired) and the long-polled snapshot.
 */
final class FakeConfigServer implements AutoCloseable {
  record Call(String method, String path, String body) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private SnapshotWire.Content content = new SnapshotWire.Content(0, List.of(), List.of());
  private int generation;

  FakeConfigServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setExecutor(executor);
    server.createContext("/v1/snapshot", this::snapshot);
    server.createContext("/v1/namespaces/", this::instance);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void publish(SnapshotWire.Content next) {
    lock.lock();
    try {
      content = next;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * What a rolling restart behind the same address looks like to an agent: the watches in progress
   * are dropped without an answer, and the next request reaches a fresh server whose state is
   * {@code fresh} (a server that lost its data starts again at a low revision).
   */
  void restart(SnapshotWire.Content fresh) {
    lock.lock();
    try {
      generation++;
      content = fresh;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  long revision() {
    lock.lock();
    try {
      return content.revision();
    } finally {
      lock.unlock();
    }
  }

  List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).toList();
  }

  private void snapshot(HttpExchange ex) throws IOException {
    String query = ex.getRequestURI().getQuery();
    long since = -1;
    long timeoutSeconds = 30;
    for (String pair : query == null ? new String[0] : query.split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv[0].equals("since")) {
        since = Long.parseLong(kv[1]);
      } else if (kv[0].equals("timeoutSeconds")) {
        timeoutSeconds = Long.parseLong(kv[1]);
      }
    }
    calls.add(new Call("GET", ex.getRequestURI().toString(), ""));
    byte[] body = null;
    lock.lock();
    try {
      int started = generation;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (content.revision() == since && generation == started) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        changed.awaitNanos(left);
      }
      if (generation != started) {
        throw new IOException("restarted: the old server's connections close without an answer");
      }
      if (content.revision() != since) {
        body = content.toJson();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
    if (body == null) {
      ex.sendResponseHeaders(304, -1);
      ex.close();
    } else {
      respond(ex, 200, body);
    }
  }

  private void instance(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().getPath(), body));
    respond(ex, 200, "{}".getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
