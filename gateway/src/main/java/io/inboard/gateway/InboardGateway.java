package io.inboard.gateway;

import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.breaker.Overflow;
import io.inboard.core.health.Ejection;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.lb.SlowStart;
import io.inboard.core.mesh.Workload;
import io.inboard.core.route.GatewayServers;
import io.inboard.core.route.RouteTable;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A running gateway: one Jetty server with the proxy on one connector, optionally the same proxy
 * behind TLS on an HTTPS connector ({@link HttpsListener}), and the admin endpoints on another, fed
 * with snapshots by a {@link SnapshotSource}. Clients may speak HTTP/1.1 or HTTP/2 to the proxy
 * ({@link Http2Protocols}); upstream it speaks HTTP/1.1.
 */
public final class InboardGateway implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(InboardGateway.class.getName());

  private static final long STOP_TIMEOUT_MILLIS = 15_000;

  /**
   * Jetty's default URI compliance refuses URIs that Envoy forwards: an escaped slash
   * ({@code %2F}, kept escaped), an empty segment ({@code //}, not merged), an escaped dot segment
   * ({@code %2E%2E}, resolved by {@link io.inboard.core.route.PathNormalization} like a plain one) and an escaped
   * percent ({@code %25}, kept escaped). Every other violation is still answered with 400, among
   * them a dot segment with parameters ({@code /..;/}), which some servers behind a gateway read as
   * {@code ..}.
   */
  static final UriCompliance URI_COMPLIANCE = UriCompliance.DEFAULT.with("INBOARD_GATEWAY",
      UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
      UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
      UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
      UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING);

  private final Server server;
  private final ServerConnector proxyConnector;
  private final ServerConnector adminConnector;
  private final InboardProxy proxy;
  private final SnapshotSource source;
  private final Map<String, String> labels;
  private final int servicePort;
  /** The HTTPS port, or {@code null} when the gateway has none. */
  private final HttpsListener https;
  private final int httpsServicePort;
  private final Path credentialsDir;
  private final Duration credentialsPollInterval;
  /** Reads certificates again when their files change; {@code null} without an HTTPS port or with polling off. */
  private CredentialPoller credentialPoller;
  /** The servers left out by the last snapshot, so that each change is warned about once. */
  private List<String> ignoredServers = List.of();
  private final InFlightCounts inFlight = new InFlightCounts();
  private final GatewayMetrics metrics;
  /** Created with the first snapshot that sets {@code outlierDetection}; then kept, as its ejections. */
  private OutlierDetector outliers;
  /** Created with the first snapshot that sets a {@code connectionPool}; then kept, as its counts. */
  private CircuitBreakers breakers;
  /** Created with the first snapshot whose rules open TLS to a destination; then kept, as its loaded contexts. */
  private volatile UpstreamOrigination origination;
  /** Created with the first snapshot that sets a {@code warmup}; then kept, as when it first saw each instance. */
  private SlowStart slowStart;
  /** The clock slow start reads (nanoseconds); tests give their own. */
  private final LongSupplier clock;
  private volatile boolean ready;
  /** The gateway as a workload: its namespace and labels decide which resources it sees ({@code exportTo}). */
  private final Workload self;

  private InboardGateway(GatewaySettings settings, SnapshotSource source, LongSupplier clock) {
    this.source = source;
    this.clock = clock;
    this.labels = settings.labels();
    this.self = new Workload(settings.namespace(), settings.name(), settings.labels());
    this.servicePort = settings.servicePort();
    this.httpsServicePort = settings.httpsServicePort();
    this.credentialsDir = settings.credentialsDir();
    this.credentialsPollInterval = settings.credentialsPollInterval();
    GatewayMetrics metrics = new GatewayMetrics(settings.name(), settings.namespace());
    this.metrics = metrics;
    this.proxy = new InboardProxy(metrics, inFlight, labels);
    metrics.revisionGauge(() -> proxy.routes().snapshot().revision());

    QueuedThreadPool threads = new QueuedThreadPool(200, 4);
    threads.setName("inboard-gateway");
    server = new Server(threads);
    server.setErrorHandler(new PlainErrorHandler());
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setUriCompliance(URI_COMPLIANCE);
    // The proxy port takes HTTP/1.1 and, with HTTP/2 on, h2c with prior knowledge on the same port.
    proxyConnector = settings.http2()
        ? new DrainingConnector(server, new HttpConnectionFactory(http), Http2Protocols.priorKnowledge(http))
        : new DrainingConnector(server, new HttpConnectionFactory(http));
    proxyConnector.setName("proxy");
    proxyConnector.setHost(settings.bind());
    proxyConnector.setPort(settings.port());
    server.addConnector(proxyConnector);

    ContextHandler proxyContext = new ContextHandler(proxy, "/");
    proxyContext.setVirtualHosts(List.of("@proxy"));
    ContextHandlerCollection contexts = new ContextHandlerCollection(proxyContext);
    if (settings.httpsPort() >= 0) {
      https = new HttpsListener(server, http, settings.bind(), settings.httpsPort(), settings.http2());
      server.addConnector(https.connector);
      ContextHandler httpsContext = new ContextHandler(https.routing(proxy), "/");
      httpsContext.setVirtualHosts(List.of("@https"));
      contexts.addHandler(httpsContext);
    } else {
      https = null;
    }
    if (settings.adminPort() >= 0) {
      adminConnector = new ServerConnector(server, new HttpConnectionFactory(http));
      adminConnector.setName("admin");
      adminConnector.setHost(settings.bind());
      adminConnector.setPort(settings.adminPort());
      server.addConnector(adminConnector);
      ContextHandler adminContext = new ContextHandler(
          https == null ? new AdminHandler(metrics, proxy::routes, () -> ready, labels, source.describe())
              : new AdminHandler(metrics, proxy::routes, () -> ready, labels, source.describe(), https::servers),
          "/");
      adminContext.setVirtualHosts(List.of("@admin"));
      contexts.addHandler(adminContext);
    } else {
      adminConnector = null;
    }
    // On stop (SIGTERM in a rolling update) no new connection is accepted; requests in flight and
    // requests arriving on open connections are served (answered with Connection: close), up to
    // the stop timeout.
    server.setHandler(new DrainingHandler(contexts));
    server.setStopTimeout(STOP_TIMEOUT_MILLIS);
    // The proxy's client shares the server's threads: one pool to size, fewer threads on small boxes.
    proxy.setUseServerThreadPool(true);
  }

  /** Starts the gateway; it answers at once (404 for every host) until the first snapshot arrives. */
  public static InboardGateway start(GatewaySettings settings) throws Exception {
    return start(settings, SnapshotSources.from(settings));
  }

  static InboardGateway start(GatewaySettings settings, SnapshotSource source) throws Exception {
    return start(settings, source, System::nanoTime);
  }

  /** @param clock what slow start reads as the time, in nanoseconds ({@link System#nanoTime()} but in tests) */
  static InboardGateway start(GatewaySettings settings, SnapshotSource source, LongSupplier clock) throws Exception {
    InboardGateway gateway = new InboardGateway(settings, source, clock);
    try {
      gateway.server.start();
      source.start(gateway::apply);
      gateway.pollCredentials();
    } catch (Exception | Error e) {
      gateway.close();
      throw e;
    }
    return gateway;
  }

  /**
   * Starts looking every interval (unless it is zero) at the certificate files of the HTTPS servers and of
   * the TLS opened to destinations ({@code tls} in DestinationRules).
   */
  private void pollCredentials() {
    if (!credentialsPollInterval.isZero()) {
      credentialPoller = new CredentialPoller(credentialsPollInterval, () -> {
        if (https != null) {
          https.update(servers -> servers.reloaded(credentialsDir, renewed -> LOG.log(Level.INFO, renewed)));
        }
        UpstreamOrigination tls = origination;
        if (tls != null) {
          tls.reloaded();
        }
      });
    }
  }

  /**
   * Compiles a snapshot and makes it the one in force, atomically for new requests. Called by one
   * thread at a time (the snapshot source's).
   */
  void apply(Snapshot received) {
    // As Istio checks a gateway's VirtualServices and DestinationRules against the gateway's namespace.
    Snapshot snapshot = received.viewedBy(self);
    RouteTable table = snapshot.routeTable();
    if (outliers == null && table.usesOutlierDetection()) {
      outliers = new OutlierDetector(this::ejected);
    }
    if (outliers != null) {
      outliers.apply(table.trackedDestinations());
    }
    if (breakers == null && table.usesConnectionPool()) {
      breakers = new CircuitBreakers(this::overflowed);
    }
    if (breakers != null) {
      breakers.apply(table.limitedDestinations());
    }
    if (origination == null && table.usesTlsOrigination()) {
      origination = new UpstreamOrigination(credentialsDir);
      proxy.use(origination);
    }
    if (origination != null) {
      origination.apply(table.tlsDestinations());
    }
    if (slowStart == null && table.usesSlowStart()) {
      slowStart = new SlowStart(clock);
    }
    if (slowStart != null) {
      slowStart.apply(table.warmingDestinations());
    }
    VirtualHosts.ServedPorts ports = new VirtualHosts.ServedPorts(servicePort, proxyConnector.getLocalPort());
    VirtualHosts.ServedPorts httpsPorts = https == null ? null
        : new VirtualHosts.ServedPorts(httpsServicePort, https.port());
    ServerSelection selection = ServerSelection.of(snapshot.resources(), labels, ports, httpsPorts);
    Router router = new Router(snapshot, inFlight, null, outliers, slowStart);
    GatewayRoutes next = GatewayRoutes.compile(snapshot, VirtualHosts.compile(selection.http(), ports, "HTTP"),
        router, outliers, breakers, slowStart);
    if (https != null) {
      // First, so that once the revision moves (read from the proxy's routes) its certificates are in force too.
      useHttpsServers(snapshot, selection, httpsPorts, router);
    }
    proxy.use(next);
    ready = true;
    warnAboutIgnoredServers(next.hosts().ignored());
    LOG.log(Level.INFO, "revision {0} in force: {1} Gateway(s) select {2}, hosts {3}",
        snapshot.revision(), next.hosts().gateways().size(), labels, next.hosts().describeHosts().keySet());
  }

  /**
   * Loads the certificates of the snapshot's HTTPS servers and puts them in force for new
   * connections; each server gets a route table of its own, as Istio gives each HTTPS server.
   */
  private void useHttpsServers(Snapshot snapshot, ServerSelection selection, VirtualHosts.ServedPorts httpsPorts,
      Router router) {
    https.update(previous -> TlsServers.load(selection.https(), previous, credentialsDir,
        server -> GatewayRoutes.compile(snapshot, VirtualHosts.compile(
            new GatewayServers(selection.http().gateways(), List.of(server), List.of()), httpsPorts, "HTTPS"),
            router, outliers, breakers, slowStart)));
  }

  private void ejected(Ejection ejection) {
    LOG.log(Level.WARNING, ejection.describe());
    metrics.ejected(ejection);
  }

  /** Counts every overflow, and logs the first of each kind at each destination. */
  private void overflowed(Overflow overflow) {
    if (overflow.first()) {
      LOG.log(Level.WARNING, overflow.describe() + "; later ones are counted in "
          + "inboard_connection_pool_overflow_total, not logged");
    }
    metrics.overflowed(overflow);
  }

  private synchronized void warnAboutIgnoredServers(List<String> ignored) {
    if (!ignored.equals(ignoredServers)) {
      ignored.forEach(why -> LOG.log(Level.WARNING, why));
      ignoredServers = ignored;
    }
  }

  /** Installs a prepared routing state directly; for tests of the proxy's plumbing. */
  void use(GatewayRoutes routes) {
    proxy.use(routes);
    ready = true;
  }

  public int port() {
    return proxyConnector.getLocalPort();
  }

  /** The client the gateway sends to upstream instances with (started with the gateway). */
  org.eclipse.jetty.client.HttpClient upstreamClient() {
    return proxy.getHttpClient();
  }

  /** The HTTPS servers in force for new connections; {@link TlsServers#NONE} without an HTTPS port. */
  TlsServers httpsServers() {
    return https == null ? TlsServers.NONE : https.servers();
  }

  /**
   * The certificate problems of the HTTPS servers, as the last snapshot or poll of their files found
   * them (each names the Gateway, server, field and file).
   */
  List<String> certificateProblems() {
    return https == null ? List.of() : https.servers().problems();
  }

  /**
   * The problems of the TLS opened to destinations, as the last snapshot or poll of their files found them
   * (each names the DestinationRule, field and file).
   */
  List<String> upstreamTlsProblems() {
    UpstreamOrigination tls = origination;
    return tls == null ? List.of() : tls.problems();
  }

  /** The HTTPS port, or -1 when the gateway has none. */
  public int httpsPort() {
    return https == null ? -1 : https.port();
  }

  /** The admin port, or -1 when it is turned off. */
  public int adminPort() {
    return adminConnector == null ? -1 : adminConnector.getLocalPort();
  }

  /** The revision of the snapshot in force (0 before the first). */
  public long revision() {
    return proxy.routes().snapshot().revision();
  }

  public boolean isReady() {
    return ready;
  }

  @Override
  public void close() throws Exception {
    if (credentialPoller != null) {
      credentialPoller.close();
    }
    try {
      source.close();
    } finally {
      server.stop();
    }
  }
}
