package io.inboard.gateway;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the HTTPS servers' certificate files every interval on one daemon thread, so that a
 * renewed certificate (a Kubernetes secret swapped under its mount, a file written by cert-manager
 * or by hand) is served without a change of the rules, as Istio's SDS pushes a renewed secret.
 * Nothing of it runs on a request's path; a poll that finds nothing changed costs a few
 * {@code stat}s ({@link TlsServers#reloaded}).
 */
final class CredentialPoller implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CredentialPoller.class.getName());

  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread t = new Thread(task, "inboard-credentials-poll");
    t.setDaemon(true);
    return t;
  });

  /** Runs {@code poll} every {@code interval} (which must be positive) until closed. */
  CredentialPoller(Duration interval, Runnable poll) {
    long nanos = interval.toNanos();
    thread.scheduleWithFixedDelay(() -> {
      try {
        poll.run();
      } catch (RuntimeException | Error e) {
        // One failed poll must not end polling: the next one may succeed.
        LOG.log(Level.ERROR, "reading the HTTPS servers' certificate files failed; trying again in " + interval, e);
      }
    }, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
