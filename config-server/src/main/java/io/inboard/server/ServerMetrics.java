package io.inboard.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The server's metrics as the rest of the server records them: requests by route template and
 * status, apply latency, fan-out time. The Prometheus registry behind them ({@link PrometheusMeters})
 * takes a few hundred milliseconds to load, so it is built after the server listens, by
 * {@link #start}; whatever is recorded before that is kept and replayed into it, so nothing is lost.
 */
final class ServerMetrics {
  private final ControlPlane controlPlane;
  private final WatchHub watches;
  /** Recordings made before {@link #start}; guarded by itself. */
  private final List<Consumer<PrometheusMeters>> early = new ArrayList<>();
  private final CompletableFuture<PrometheusMeters> ready = new CompletableFuture<>();
  private volatile PrometheusMeters meters;

  ServerMetrics(ControlPlane controlPlane, WatchHub watches) {
    this.controlPlane = controlPlane;
    this.watches = watches;
    watches.onFanOut(nanos -> record(m -> m.fanOut(nanos)));
    controlPlane.onPublish(p -> {
      PrometheusMeters m = meters;
      if (m != null) {
        m.instances(p);
      }
    });
  }

  /**
   * Builds the registry (with the JVM's memory and thread metrics) and replays what was recorded
   * so far. Called once, off the path to listening.
   */
  void start() {
    try {
      PrometheusMeters m = new PrometheusMeters(controlPlane, watches);
      synchronized (early) {
        early.forEach(action -> action.accept(m));
        early.clear();
        meters = m;
      }
      m.instances(controlPlane.current());
      ready.complete(m);
    } catch (RuntimeException | Error e) {
      ready.completeExceptionally(e);
      throw e;
    }
  }

  /** The HTTP methods a request is counted under by name; every other method is counted as {@code other}. */
  static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");

  /**
   * The {@code method} label of a request: the method when it is a {@linkplain #KNOWN_METHODS known}
   * one, else {@code other}. The method is whatever the client sent, and each label value is a time
   * series kept for the life of the server, so an unbounded label would let any caller, without a
   * token, grow the server's memory and every scrape ({@code route} falls back to {@code unmatched}
   * for the same reason).
   */
  static String methodLabel(String method) {
    return method != null && KNOWN_METHODS.contains(method) ? method : "other";
  }

  void request(String route, String rawMethod, int status, long nanos) {
    String method = methodLabel(rawMethod);
    PrometheusMeters m = meters;
    if (m != null) {
      m.request(route, method, status, nanos);
    } else {
      record(x -> x.request(route, method, status, nanos));
    }
  }

  void apply(long nanos) {
    record(m -> m.apply(nanos));
  }

  /** The Prometheus text; waits for {@link #start} when asked right after the server started. */
  String scrape() {
    return ready.join().scrape();
  }

  private void record(Consumer<PrometheusMeters> action) {
    PrometheusMeters m = meters;
    if (m == null) {
      synchronized (early) {
        m = meters;
        if (m == null) {
          early.add(action);
          return;
        }
      }
    }
    action.accept(m);
  }
}
