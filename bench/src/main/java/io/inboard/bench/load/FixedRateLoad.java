package io.inboard.bench.load;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator at a fixed rate that corrects for coordinated omission.
 *
 * <p>Request {@code i} of a phase has an intended start time {@code t0 + i / rate}, fixed before the
 * phase begins. A bounded pool of keep-alive connections (one worker thread each) claims tickets in
 * order; a worker that is free early sleeps until the ticket's time, one that is late sends at once.
 * Latency is measured from the <em>intended</em> start, so a server that stalls is charged for every
 * request that should have been sent during the stall, not just for the one that was stuck (the
 * closed-loop error wrk and ab make). The uncorrected service time (from the actual send) is kept too.
 */
public final class FixedRateLoad {
  /** Latencies are recorded in microseconds, up to one minute, to three significant digits. */
  static final long HIGHEST_MICROS = 60_000_000L;

  private final Target target;
  private final KeepAliveConnection[] connections;

  /** Where to send: host and port to connect to, path and Host header, extra request headers. */
  public record Target(String host, int port, String path, String hostHeader, List<String> headers) {
    public static Target loopback(int port, String path) {
      return new Target("127.0.0.1", port, path, "127.0.0.1:" + port, List.of());
    }

    /** This target with {@code headers} ("name: value") on every request. */
    public Target withHeaders(List<String> headers) {
      return new Target(host, port, path, hostHeader, List.copyOf(headers));
    }
  }

  /** Under this key in {@link PhaseResult#correctedByDownstreamVersion()}: answers that did not say. */
  public static final String NO_VERSION = "none";

  /**
   * What one phase measured; latencies in microseconds. {@code correctedByDownstreamVersion} splits
   * {@code corrected} by the version of the downstream service that answered the frontend's call
   * (its {@code x-downstream-version} header; {@link #NO_VERSION} without it): with a canary, the
   * calls its second instance answered apart from the others.
   */
  public record PhaseResult(
      double targetRps,
      long sent,
      long ok,
      long errors,
      String firstError,
      Histogram corrected,
      Histogram service,
      Map<String, Histogram> correctedByDownstreamVersion,
      long wallNanos) {
    public double achievedRps() {
      return sent * 1e9 / wallNanos;
    }
  }

  public FixedRateLoad(Target target, int connectionCount) {
    if (connectionCount < 1) {
      throw new IllegalArgumentException("connections must be at least 1, got " + connectionCount);
    }
    this.target = target;
    this.connections = new KeepAliveConnection[connectionCount];
    String[] extra = target.headers().toArray(String[]::new);
    for (int i = 0; i < connectionCount; i++) {
      connections[i] = new KeepAliveConnection(target.host(), target.port(), target.path(), target.hostHeader(), extra);
    }
  }

  /** Sends at {@code rps} for {@code duration}, open loop, and returns the latency histograms. */
  public PhaseResult run(double rps, Duration duration) throws InterruptedException {
    if (rps <= 0) {
      throw new IllegalArgumentException("rate must be positive, got " + rps);
    }
    long period = Math.round(1e9 / rps);
    long count = Math.max(1, Math.round(rps * duration.toNanos() / 1e9));
    AtomicLong tickets = new AtomicLong();
    List<Worker> workers = new ArrayList<>();
    // Start a little in the future so every worker is parked before the first ticket is due.
    long t0 = System.nanoTime() + 20_000_000L;
    for (KeepAliveConnection connection : connections) {
      Worker worker = new Worker(connection, tickets, t0, period, count);
      workers.add(worker);
      worker.thread.start();
    }
    Histogram corrected = new Histogram(HIGHEST_MICROS, 3);
    Histogram service = new Histogram(HIGHEST_MICROS, 3);
    Map<String, Histogram> byVersion = new TreeMap<>();
    long sent = 0;
    long ok = 0;
    long errors = 0;
    String firstError = null;
    for (Worker worker : workers) {
      worker.thread.join();
      corrected.add(worker.corrected);
      service.add(worker.service);
      worker.correctedByVersion.forEach((version, h) -> histogram(byVersion, version).add(h));
      sent += worker.sent;
      ok += worker.ok;
      errors += worker.errors;
      if (firstError == null) {
        firstError = worker.firstError;
      }
    }
    long wall = Math.max(1, System.nanoTime() - t0);
    return new PhaseResult(rps, sent, ok, errors, firstError, corrected, service, byVersion, wall);
  }

  private static Histogram histogram(Map<String, Histogram> byVersion, String version) {
    return byVersion.computeIfAbsent(version, v -> new Histogram(HIGHEST_MICROS, 3));
  }

  /**
   * Sends {@code count} requests one after another on the first connection and returns the whole
   * responses (status line, headers, body): for checking that a set-up answers as expected (e.g.
   * which versions served) before timing it.
   */
  public List<String> responses(int count) throws IOException {
    List<String> responses = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      connections[0].exchange(true);
      responses.add(connections[0].lastResponse());
    }
    return responses;
  }

  public void close() {
    for (KeepAliveConnection connection : connections) {
      connection.close();
    }
  }

  private static final class Worker implements Runnable {
    final Thread thread;
    final KeepAliveConnection connection;
    final AtomicLong tickets;
    final long t0;
    final long period;
    final long count;
    final Histogram corrected = new Histogram(HIGHEST_MICROS, 3);
    final Histogram service = new Histogram(HIGHEST_MICROS, 3);
    final Map<String, Histogram> correctedByVersion = new TreeMap<>();
    long sent;
    long ok;
    long errors;
    String firstError;

    Worker(KeepAliveConnection connection, AtomicLong tickets, long t0, long period, long count) {
      this.connection = connection;
      this.tickets = tickets;
      this.t0 = t0;
      this.period = period;
      this.count = count;
      this.thread = new Thread(this, "load-worker");
      this.thread.setDaemon(true);
    }

    @Override
    public void run() {
      for (long ticket = tickets.getAndIncrement(); ticket < count; ticket = tickets.getAndIncrement()) {
        long intended = t0 + ticket * period;
        long now;
        while ((now = System.nanoTime()) < intended) {
          LockSupport.parkNanos(intended - now);
        }
        sent++;
        try {
          int status = connection.exchange();
          long end = System.nanoTime();
          if (status >= 200 && status < 400) {
            ok++;
            long micros = Math.min(HIGHEST_MICROS, Math.max(1, (end - intended) / 1000));
            corrected.recordValue(micros);
            String version = connection.downstreamVersion();
            histogram(correctedByVersion, version == null ? NO_VERSION : version).recordValue(micros);
            service.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (end - now) / 1000)));
          } else {
            error("HTTP " + status);
          }
        } catch (IOException | RuntimeException e) {
          error(e.toString());
        }
      }
    }

    private void error(String what) {
      errors++;
      if (firstError == null) {
        firstError = what;
      }
    }
  }
}
