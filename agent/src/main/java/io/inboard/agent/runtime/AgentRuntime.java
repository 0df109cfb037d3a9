package io.inboard.agent.runtime;

import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.breaker.Overflow;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.controlplane.StandaloneRulesFile;
import io.inboard.core.health.Ejection;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.route.Decision;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;
import io.inboard.filter.FilterSettings;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * What the agent's instrumentation calls at run time: the router over the snapshot in force, this
 * workload's identity, the headers to propagate, metrics and failure accounting. It also runs the
 * control plane (register, renew and watch on one daemon thread, cache writes on another) or, in
 * standalone mode, reads the rules file.
 *
 * <p>Nothing here throws into the application: failures are counted in
 * {@code inboard_agent_errors_total{where}} and logged once per place.
 */
public final class AgentRuntime {
  private static volatile AgentRuntime instance;

  private final AgentOptions options;
  private final Workload self;
  private final RoutingState state;
  private final OutboundInFlight inFlight = new OutboundInFlight();
  private final IstioMetrics metrics;
  private final Set<String> loggedFailures = ConcurrentHashMap.newKeySet();
  private final OutboundSeries outboundSeries;
  private final long startNanos = System.nanoTime();
  private volatile String instanceId;
  private volatile int detectedPort;
  private volatile ControlPlaneLoop controlPlane;
  private volatile AdminServer admin;
  private volatile Thread worker;

  private AgentRuntime(AgentOptions options) {
    this.options = options;
    this.self = new Workload(options.namespace(), options.service(), options.labels());
    this.state = new RoutingState(self, options.propagate(), inFlight, options.firstSnapshotWait(), this::ejected,
        this::overflowed);
    this.metrics = new IstioMetrics(() -> state.peek().snapshot().revision());
    this.outboundSeries = new OutboundSeries(self);
  }

  /**
   * Starts the runtime without blocking: the control plane or the rules file is handled on a daemon
   * thread. Called once from premain; a second call returns the running runtime.
   *
   * @param instrumentation may be {@code null} (tests, embedding)
   */
  public static synchronized AgentRuntime start(AgentOptions options, Instrumentation instrumentation) {
    if (instance != null) {
      return instance;
    }
    AgentRuntime runtime = new AgentRuntime(options);
    instance = runtime;
    runtime.begin();
    return runtime;
  }

  /** The running runtime, or {@code null} before {@link #start}. */
  public static AgentRuntime get() {
    return instance;
  }

  private void begin() {
    // This runs on premain's thread: messages are logged from a daemon thread (see AgentLog).
    for (String problem : options.problems()) {
      AgentLog.soon(Level.WARNING, "[inboard] " + problem);
    }
    try {
      Path config = options.config();
      URI server = options.server();
      if (config != null) {
        startStandalone(config);
      } else if (server != null) {
        startControlPlane(server);
      } else {
        AgentLog.soon(
            Level.WARNING,
            "[inboard] neither option server nor config is set: no rules, every call goes out as the"
                + " application made it (set INBOARD_SERVER or INBOARD_CONFIG)");
        state.apply(Snapshot.EMPTY, null, "none");
      }
      if (options.adminPort() >= 0) {
        admin = new AdminServer(options.adminAddress(), options.adminPort(), this);
        AgentLog.soon(Level.INFO, "[inboard] admin endpoint on http://" + options.adminAddress() + ":" + admin.port() + "/");
      }
    } catch (IOException | RuntimeException e) {
      recordFailure("start", e);
    }
  }

  // ------------------------------------------------------------------ what the hooks call

  /**
   * The router over the snapshot in force. Before the first snapshot has arrived (from the server,
   * the cache or the rules file) this waits for it, at most {@code first-snapshot-wait}, then goes on
   * with an empty snapshot: every call passes through.
   */
  public Router router() {
    return state.read().router();
  }

  /** The snapshot in force, without waiting. */
  public Snapshot snapshot() {
    return state.peek().snapshot();
  }

  /** This workload: the source of its outbound calls ({@code sourceLabels}, {@code sourceNamespace}). */
  public Workload self() {
    return self;
  }

  /** The lower-case header names to propagate under the snapshot in force (no waiting). */
  public Set<String> propagatedHeaders() {
    return state.peek().propagatedHeaders();
  }

  /** In-flight counts for {@code LEAST_REQUEST}: call {@code started}/{@code finished} around routed calls. */
  public OutboundInFlight inFlight() {
    return inFlight;
  }

  /** Whether instrumentation {@code name} is switched on. */
  public boolean instrumentationEnabled(String name) {
    return options.instrumentationEnabled(name);
  }

  public AgentOptions options() {
    return options;
  }

  /**
   * The settings of a servlet filter bound to this runtime: propagated headers follow the snapshot
   * in force, metrics go to the admin endpoint. A request that arrives before the first snapshot
   * waits for it (bounded, like an outbound call), so that it captures the headers the rules need.
   * Settings, not a filter: each container's class
   * loader makes the filter of its own Servlet API from them.
   */
  public FilterSettings filterSettings() {
    return new FilterSettings(
        () -> state.read().propagatedHeaders(), metrics, self, options.generateRequestId(), this::recordFailure);
  }

  /**
   * Records an outbound call to a mesh host ({@code reporter="source"}): {@code status} is what the
   * application received (0 when the call failed without a response), {@code nanos} its duration.
   * Passthrough decisions (hosts the mesh does not know) are not recorded.
   */
  public void recordOutbound(Decision decision, int status, long nanos) {
    if (decision == null || decision.isPassthrough()) {
      return;
    }
    try {
      String host = decision.destination() == null ? null : decision.destination().host();
      metrics.record(outboundSeries.of(host, decision.instance(), responseFlags(decision, status)), status, nanos);
    } catch (RuntimeException e) {
      recordFailure("metrics.outbound", e);
    }
  }

  /**
   * Reports one try of a routed call to outlier detection (see {@code OutboundRouting#tried}): one
   * null check while no rule sets {@code outlierDetection}.
   */
  public void tried(Decision decision, int status) {
    OutlierDetector outliers = state.outliers();
    if (outliers == null || decision.destination() == null) {
      return;
    }
    try {
      Decision.Target to = decision.destination();
      outliers.tried(to.host(), to.subset(), to.policyPort(), decision.instance(), status);
    } catch (RuntimeException e) {
      recordFailure("outlier-detection", e);
    }
  }

  /**
   * The circuit breaker of the destination a routed call goes to (see {@code OutboundRouting#limits}):
   * one null check while no rule sets a {@code connectionPool}.
   */
  public DestinationLimits limits(Decision decision) {
    CircuitBreakers breakers = state.breakers();
    if (breakers == null || decision.destination() == null) {
      return null;
    }
    Decision.Target to = decision.destination();
    return breakers.destination(to.host(), to.subset(), to.policyPort());
  }

  /** Records a call its destination's {@code connectionPool} turned away: 503, flag {@code UO}, as Envoy. */
  public void recordOverflow(Decision decision) {
    try {
      String host = decision.destination() == null ? null : decision.destination().host();
      metrics.record(outboundSeries.of(host, null, "UO"), 503, 0);
    } catch (RuntimeException e) {
      recordFailure("metrics.outbound", e);
    }
  }

  /**
   * A call or a retry was turned away by a {@code connectionPool}: counted, and the first of each
   * kind at each destination logged from a daemon thread (this runs on the application's thread).
   */
  private void overflowed(Overflow overflow) {
    try {
      metrics.overflowed(overflow);
      if (overflow.first()) {
        AgentLog.soon(Level.WARNING, "[inboard] " + overflow.describe()
            + "; later ones are counted in inboard_connection_pool_overflow_total, not logged");
      }
    } catch (Throwable t) {
      recordFailure("connection-pool", t);
    }
  }

  /** Envoy's response flags for what Inboard decided. */
  static String responseFlags(Decision decision, int status) {
    if (decision.outcome() == Decision.Outcome.NO_ROUTE) {
      return "NR";
    }
    if (decision.outcome() == Decision.Outcome.NO_INSTANCE) {
      return "UH";
    }
    if (decision.actions().fault() != null && decision.actions().fault().abortStatus() != 0) {
      return "FI";
    }
    return status == 0 ? "UF" : "-";
  }

  /** Counts what became of one rule's mirror ({@code inboard_agent_mirrors_total{result}}). Never throws. */
  public void recordMirror(String result) {
    try {
      metrics.mirror(result);
    } catch (RuntimeException e) {
      recordFailure("metrics.mirror", e);
    }
  }

  /**
   * Outlier detection ejected an instance: counted, and logged from a daemon thread (this runs on
   * the application thread whose call failed, which must not wait for the log).
   */
  private void ejected(Ejection ejection) {
    try {
      metrics.ejected(ejection);
      AgentLog.soon(Level.WARNING, "[inboard] " + ejection.describe());
    } catch (Throwable t) {
      recordFailure("outlier-detection", t);
    }
  }

  /**
   * Counts a failure inside Inboard at {@code where} ({@code inboard_agent_errors_total{where}}) and
   * logs it the first time for that place. Never throws.
   */
  public void recordFailure(String where, Throwable failure) {
    try {
      metrics().failure(where);
      if (loggedFailures.add(where)) {
        AgentLog.log(Level.WARNING, "[inboard] failure in " + where + " (the call went on as the application made it; logged once)", failure);
      }
    } catch (Throwable ignored) {
      // Accounting must never be the thing that breaks the application.
    }
  }

  /** The servlet container listens on {@code port}: registration uses it unless option port is set. */
  public void onServerPort(int port) {
    if (port > 0 && detectedPort == 0) {
      detectedPort = port;
      ControlPlaneLoop loop = controlPlane;
      if (loop != null) {
        // Registered now, even when port-wait has run out: the loop may be in a long poll.
        loop.registerSoon();
      }
    }
  }

  // ------------------------------------------------------------------ control plane

  private void startControlPlane(URI server) {
    SnapshotCache cache = new SnapshotCache(options.cacheDir());
    ConfigServerConnection connection = new ConfigServerConnection(server, options.token(), Duration.ofSeconds(1));
    ControlPlaneLoop loop = new ControlPlaneLoop(connection, cache, state, this::registration, options.leaseTtl(), this);
    controlPlane = loop;
    Thread thread = new InboardThread(loop, "inboard-control-plane");
    worker = thread;
    thread.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new InboardThread(
                () -> {
                  loop.stop();
                  // Bounded: a server that accepts but does not answer must not hold up the exit.
                  Thread deregister = new InboardThread(loop::deregister, "inboard-deregister-call");
                  deregister.start();
                  try {
                    deregister.join(2000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "inboard-deregister"));
  }

  /** Whether this instance will be registered (a service name, and a port known or still awaited). */
  boolean willRegister() {
    return self.service() != null
        && (options.port() > 0
            || detectedPort > 0
            || System.nanoTime() - startNanos < options.portWait().toNanos());
  }

  /** The instance to register, or {@code null} while its port is not known (or never will be). */
  Instance registration() {
    if (self.service() == null) {
      return null;
    }
    int port = options.port() > 0 ? options.port() : detectedPort;
    if (port <= 0) {
      if (!willRegister() && loggedFailures.add("register.no-port")) {
        AgentLog.warning("[inboard] no servlet port detected within " + options.portWait().toSeconds()
            + "s and option port not set: this instance is not registered until its port is detected (or set INBOARD_PORT)");
      }
      return null;
    }
    return new Instance(instanceId(), self.service(), self.namespace(), address(), port, self.labels());
  }

  /** The configured address, else this host's address as seen from a non-loopback server, else loopback. */
  private String address() {
    String configured = options.address();
    if (configured != null) {
      return configured;
    }
    URI server = options.server();
    try {
      if (server != null && !InetAddress.getByName(server.getHost()).isLoopbackAddress()) {
        return InetAddress.getLocalHost().getHostAddress();
      }
    } catch (IOException | RuntimeException e) {
      // Unknown host: fall back to loopback below.
    }
    return "127.0.0.1";
  }

  private static String instanceId(String service) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      host = "localhost";
    }
    String raw = (service == null ? "unnamed" : service) + "-" + host + "-" + ProcessHandle.current().pid();
    String id = raw.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("-+", "-");
    id = id.length() > 63 ? id.substring(0, 63) : id;
    return id.replaceAll("^-|-$", "");
  }

  /**
   * {@code <service>-<host>-<pid>}, worked out on first use on the control-plane thread: resolving
   * the host name can be slow, and premain must not wait for it.
   */
  String instanceId() {
    String id = instanceId;
    if (id == null) {
      id = instanceId(self.service());
      instanceId = id;
    }
    return id;
  }

  // ------------------------------------------------------------------ standalone

  private void startStandalone(Path file) {
    Thread thread = new InboardThread(() -> watchRulesFile(file), "inboard-rules-file");
    worker = thread;
    thread.start();
  }

  /**
   * Loads the rules file, then reloads it when it changes (polled every second). Each version that
   * is refused is counted and logged once: it is read once, and a later edit is a new version the
   * user needs to hear about as much as the first.
   */
  private void watchRulesFile(Path file) {
    FileStamp seen = null;
    long revision = 0;
    while (true) {
      boolean reading = false;
      try {
        FileStamp stamp = stampOf(file);
        if (stamp != null && !stamp.equals(seen) && settled(file, stamp)) {
          seen = stamp;
          reading = true;
          StandaloneRulesFile.Loaded loaded = StandaloneRulesFile.read(file, ++revision);
          state.apply(loaded.snapshot(), loaded.content(), "file " + file);
          AgentLog.info("[inboard] rules from " + file + " in force (revision " + revision + ")");
        } else if (stamp == null && !state.hasSnapshot()) {
          AgentLog.warning("[inboard] rules file " + file + " does not exist; calls pass through until it does");
          state.apply(Snapshot.EMPTY, null, "none (missing " + file + ")");
        }
      } catch (IOException | RuntimeException e) {
        if (reading) {
          refused(file, e);
        } else {
          recordFailure("rules-file", e);
        }
        if (!state.hasSnapshot()) {
          state.apply(Snapshot.EMPTY, null, "none (invalid " + file + ")");
        }
      }
      try {
        TimeUnit.SECONDS.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Counts and logs a version of the rules file that could not be put in force. */
  private void refused(Path file, Exception e) {
    try {
      metrics.failure("rules-file");
      String kept = state.hasSnapshot()
          ? "the rules of revision " + state.peek().snapshot().revision() + " stay in force"
          : "calls pass through until a valid version is saved";
      AgentLog.log(Level.WARNING, "[inboard] this version of " + file + " is refused; " + kept, e);
    } catch (Throwable ignored) {
      // Accounting must never be the thing that breaks the application.
    }
  }

  /**
   * Modification time and size: the size catches a truncate-then-write that lands within one tick
   * of a coarse file-system clock. Compared as numbers: this runs every second for the life of the
   * application, and formatting the time as text allocated far more than the check is worth.
   */
  private record FileStamp(long modifiedNanos, long size) {}

  /** {@code null} when the file does not exist. */
  private static FileStamp stampOf(Path file) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
    return new FileStamp(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size());
  }

  /** Whether the file still looks the same a moment later, so a half-written edit is not applied. */
  private static boolean settled(Path file, FileStamp stamp) throws IOException {
    try {
      TimeUnit.MILLISECONDS.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return stamp.equals(stampOf(file));
  }

  // ------------------------------------------------------------------ for the admin endpoint and tests

  RoutingState state() {
    return state;
  }

  /** The agent's metrics. */
  IstioMetrics metrics() {
    return metrics;
  }

  ControlPlaneLoop controlPlaneForTest() {
    return controlPlane;
  }

  /** The admin endpoint's port, or 0 when it is off. */
  public int adminPort() {
    AdminServer server = admin;
    return server == null ? 0 : server.port();
  }

  /** Stops the threads and the admin endpoint (tests; the JVM's exit does it otherwise). */
  void stop() {
    ControlPlaneLoop loop = controlPlane;
    if (loop != null) {
      loop.stop();
    }
    Thread thread = worker;
    if (thread != null) {
      thread.interrupt();
    }
    AdminServer server = admin;
    if (server != null) {
      server.stop();
    }
    synchronized (AgentRuntime.class) {
      if (instance == this) {
        instance = null;
      }
    }
  }

  /** A runtime not registered as the JVM's one (tests run several side by side). */
  static AgentRuntime startDetached(AgentOptions options) {
    AgentRuntime runtime = new AgentRuntime(options);
    runtime.begin();
    return runtime;
  }
}
