package io.inboard.server;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;

/**
 * Keeps one etcd watch open on the control plane's prefix and feeds its events to the
 * {@link EtcdMirror}: every change made through any replica, and every lease etcd expires, reaches
 * this replica within milliseconds. A broken stream (etcd restarted, a member went away) is opened
 * again from the first revision not yet applied, so nothing is missed; a watch compacted away
 * reads the whole state again.
 */
final class EtcdWatchLoop implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EtcdWatchLoop.class.getName());
  private static final Duration FIRST_RETRY = Duration.ofMillis(100);
  private static final Duration LAST_RETRY = Duration.ofSeconds(1);

  private final EtcdGateway gateway;
  private final EtcdMirror mirror;
  private final Runnable afterEvents;
  private final Thread thread;
  private volatile boolean closed;
  private volatile InputStream stream;
  /** Only the watch thread reads and writes it: the watch failed and has not delivered since. */
  private boolean broken;

  /** @param afterEvents run on the watch thread after each batch is applied */
  EtcdWatchLoop(EtcdGateway gateway, EtcdMirror mirror, Runnable afterEvents) {
    this.gateway = gateway;
    this.mirror = mirror;
    this.afterEvents = afterEvents;
    this.thread = new Thread(this::run, "inboard-etcd-watch");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    Duration retry = FIRST_RETRY;
    String prefix = mirror.keys().prefix();
    while (!closed) {
      long from = mirror.appliedRevision() + 1;
      boolean[] heard = {false};
      try {
        gateway.watch(prefix, from, new EtcdGateway.WatchListener() {
          @Override
          public void events(List<EtcdGateway.Event> events) {
            heard[0] = true;
            reopened();
            mirror.apply(events);
            afterEvents.run();
          }

          @Override
          public void compacted(long compactRevision) {
            heard[0] = true;
            reopened();
            LOG.log(System.Logger.Level.WARNING, "etcd compacted revision " + from + " away (compact revision "
                + compactRevision + "); reading the whole state again");
            try {
              mirror.reload(gateway.range(prefix));
              afterEvents.run();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }, s -> stream = s);
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!broken) {
          LOG.log(System.Logger.Level.WARNING, "etcd watch lost (" + e.getMessage() + "); opening it again from revision "
              + (mirror.appliedRevision() + 1) + "; writes answer 503 while etcd is unreachable");
          broken = true;
        }
      }
      if (heard[0]) {
        retry = FIRST_RETRY;
      }
      try {
        Thread.sleep(retry.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
    }
  }

  private void reopened() {
    if (broken) {
      LOG.log(System.Logger.Level.INFO, "etcd watch open again at revision " + mirror.appliedRevision());
      broken = false;
    }
  }

  @Override
  public void close() {
    closed = true;
    InputStream s = stream;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    thread.interrupt();
  }
}
