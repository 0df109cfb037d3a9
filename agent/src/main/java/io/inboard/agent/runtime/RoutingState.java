package io.inboard.agent.runtime;

import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.breaker.Overflow;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.health.Ejection;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.lb.SlowStart;
import io.inboard.core.mesh.Workload;
import io.inboard.core.propagation.PropagatedHeaders;
import io.inboard.core.route.InFlight;
import io.inboard.core.route.RouteTable;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The routing state in force: one immutable {@link InForce} behind a {@code volatile}, swapped whole
 * when a new snapshot arrives, so a request reads it once and sees one consistent revision. Until
 * the first snapshot arrives, readers on application threads wait for it, bounded.
 */
final class RoutingState {
  /** Everything derived from one snapshot; {@code content} is what it was compiled from (for /config), or null. */
  record InForce(
      Snapshot snapshot, Router router, Set<String> propagatedHeaders, SnapshotWire.Content content, String origin) {}

  private final Set<String> extraHeaders;
  /** This agent's workload, whose view of each snapshot is compiled; {@code null}: the whole mesh's. */
  private final Workload self;
  private final InFlight inFlight;
  private final Consumer<Ejection> onEjection;
  private final Duration firstWait;
  /** Created with the first snapshot that sets {@code outlierDetection}; then kept, as its ejections. */
  private volatile OutlierDetector outliers;
  private final Consumer<Overflow> onOverflow;
  /** Created with the first snapshot that sets a {@code connectionPool}; then kept, as its counts. */
  private volatile CircuitBreakers breakers;
  /** Created with the first snapshot that sets a {@code warmup}; then kept, as when it first saw each instance. */
  private volatile SlowStart slowStart;
  private final CountDownLatch first = new CountDownLatch(1);
  private volatile InForce current;
  private volatile boolean waitedOut;

  RoutingState(Set<String> extraHeaders, InFlight inFlight, Duration firstWait) {
    this(null, extraHeaders, inFlight, firstWait, ejection -> {}, overflow -> {});
  }

  /** @param onEjection told of each instance outlier detection ejects (on the thread whose call failed) */
  /** @param onOverflow told of each call a {@code connectionPool} turns away (on the caller's thread) */
  /** @param self this agent's workload: its namespace and labels decide what of each snapshot it sees */
  RoutingState(Workload self, Set<String> extraHeaders, InFlight inFlight, Duration firstWait,
      Consumer<Ejection> onEjection, Consumer<Overflow> onOverflow) {
    this.self = self;
    this.onOverflow = onOverflow;
    this.extraHeaders = extraHeaders;
    this.inFlight = inFlight;
    this.firstWait = firstWait;
    this.onEjection = onEjection;
    this.current = derive(Snapshot.EMPTY, null, "none yet");
  }

  /** Puts {@code snapshot} in force; from now on every read sees it. */
  InForce apply(Snapshot snapshot, SnapshotWire.Content content, String origin) {
    InForce next = derive(snapshot, content, origin);
    current = next;
    first.countDown();
    return next;
  }

  /**
   * The state in force. Before the first snapshot, an application thread waits for it up to the
   * {@code first-snapshot-wait}; once that wait has run out for one caller, nobody waits again (the
   * mesh is then passthrough until a snapshot arrives). The agent's own threads never wait.
   */
  InForce read() {
    InForce state = current;
    if (first.getCount() == 0 || waitedOut || InboardThread.isCurrent()) {
      return state;
    }
    try {
      if (!first.await(firstWait.toNanos(), TimeUnit.NANOSECONDS)) {
        waitedOut = true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return current;
  }

  /** The state in force without waiting. */
  InForce peek() {
    return current;
  }

  boolean hasSnapshot() {
    return first.getCount() == 0;
  }

  /** The outlier detection of this agent's calls, or {@code null} while no rule has set it. */
  OutlierDetector outliers() {
    return outliers;
  }

  /** The circuit breakers of this agent's calls, or {@code null} while no rule has set a {@code connectionPool}. */
  CircuitBreakers breakers() {
    return breakers;
  }

  /** The slow start of this agent's calls, or {@code null} while no rule has set a {@code warmup}. */
  SlowStart slowStart() {
    return slowStart;
  }

  private synchronized InForce derive(Snapshot received, SnapshotWire.Content content, String origin) {
    // exportTo and workloadSelector are settled here, once per snapshot: requests only read the result.
    Snapshot snapshot = received.viewedBy(self);
    RouteTable table = snapshot.routeTable();
    OutlierDetector detector = outliers;
    if (detector == null && table.usesOutlierDetection()) {
      detector = new OutlierDetector(onEjection);
      outliers = detector;
    }
    if (detector != null) {
      detector.apply(table.trackedDestinations());
    }
    CircuitBreakers limits = breakers;
    if (limits == null && table.usesConnectionPool()) {
      limits = new CircuitBreakers(onOverflow);
      breakers = limits;
    }
    if (limits != null) {
      limits.apply(table.limitedDestinations());
    }
    SlowStart warming = slowStart;
    if (warming == null && table.usesSlowStart()) {
      warming = new SlowStart();
      slowStart = warming;
    }
    if (warming != null) {
      warming.apply(table.warmingDestinations());
    }
    // null randomness: each thread its own ThreadLocalRandom, no contention on the request path.
    Router router = new Router(snapshot, inFlight, null, detector, warming);
    return new InForce(snapshot, router, PropagatedHeaders.of(snapshot, extraHeaders), content, origin);
  }
}
