package io.inboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.diag.Diagnostic;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ParsedResource;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A running config server: the store, the live state, the watch hub, the lease reaper and the
 * Jetty server that exposes them. {@link #start} refuses unsafe settings (no tokens on a
 * non-loopback address) and a store that no longer loads.
 */
public final class ConfigServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ConfigServer.class.getName());

  private final ResourceStore store;
  private final ControlPlane controlPlane;
  private final WatchHub watches;
  private final ScheduledExecutorService reaper;
  private final Server jetty;
  private final ServerConnector connector;
  private final ServerMetrics metrics;

  private ConfigServer(ServerOptions options, ResourceStore store) throws Exception {
    this.store = store;
    // Loading the metrics libraries takes as long as loading the store; on two cores, do both at once.
    java.util.concurrent.CompletableFuture<ServerMetrics> metricsReady = new java.util.concurrent.CompletableFuture<>();
    Thread metricsLoader = new Thread(() -> {
      try {
        metricsReady.complete(new ServerMetrics());
      } catch (Throwable t) {
        metricsReady.completeExceptionally(t);
      }
    }, "inboard-metrics-init");
    metricsLoader.setDaemon(true);
    metricsLoader.start();
    StoredState state = store.load();
    this.controlPlane = new ControlPlane(store, state.revision(), parseStored(state), System::nanoTime);
    this.watches = new WatchHub(controlPlane);
    this.metrics = metricsReady.join();
    metrics.bind(controlPlane, watches);
    this.reaper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(WatchHub.daemon("inboard-lease-reaper"));
    reaper.scheduleWithFixedDelay(this::expireLeases, 1, 1, TimeUnit.SECONDS);

    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("inboard-http");
    jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Names are checked segment by segment, after decoding; see PathSegments.
    http.setUriCompliance(UriCompliance.UNSAFE);
    connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost(options.bind());
    connector.setPort(options.port());
    connector.setAcceptQueueSize(1024);
    jetty.addConnector(connector);
    jetty.setErrorHandler(new JsonErrorHandler());
    jetty.setHandler(new ApiHandler(new AccessPolicy(options.adminToken(), options.agentToken()), controlPlane,
        watches, metrics));
    jetty.setStopTimeout(2000);
  }

  /**
   * Starts a server.
   *
   * @throws IllegalStateException for unsafe settings, with a message saying what to do
   */
  public static ConfigServer start(ServerOptions options) throws Exception {
    InetAddress bind = InetAddress.getByName(options.bind());
    if (!options.hasTokens() && !bind.isLoopbackAddress()) {
      throw new IllegalStateException("refusing to bind " + options.bind() + " without tokens: anyone who can"
          + " reach it could change routing. Set INBOARD_ADMIN_TOKEN and INBOARD_AGENT_TOKEN (or"
          + " --admin-token-file/--agent-token-file), or bind 127.0.0.1");
    }
    FileResourceStore store = new FileResourceStore(options.dataDir());
    try {
      ConfigServer server = new ConfigServer(options, store);
      server.jetty.start();
      server.warmUp(options);
      return server;
    } catch (Exception | Error e) {
      store.close();
      throw e;
    }
  }

  /**
   * Work that need not delay listening: the JVM metrics (JMX), encoding the first snapshot, and
   * the start-up warning (which initialises logging).
   */
  private void warmUp(ServerOptions options) {
    Thread t = new Thread(() -> {
      if (!options.hasTokens()) {
        LOG.log(System.Logger.Level.WARNING, "no tokens configured: every caller on this machine may change"
            + " routing; bound to loopback " + options.bind() + " only");
      }
      controlPlane.current().wire();
      metrics.bindJvm();
    }, "inboard-warm-up");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return connector.getLocalPort();
  }

  public long revision() {
    return controlPlane.current().revision();
  }

  public int resourceCount() {
    return controlPlane.current().resources().size();
  }

  private void expireLeases() {
    try {
      controlPlane.expireLeases();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "lease expiry failed", e);
    }
  }

  /** Every stored document must still parse; a store the server cannot read is not served half. */
  private static List<StoredResource> parseStored(StoredState state) throws IOException {
    List<StoredResource> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (ObjectNode doc : state.documents()) {
      ParseResult parsed = MeshCore.parse(doc.toString());
      if (parsed.hasErrors() || parsed.resources().size() != 1) {
        problems.add(doc.path("kind").asText() + " " + doc.path("metadata").path("namespace").asText() + "/"
            + doc.path("metadata").path("name").asText() + ": "
            + parsed.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::toString).toList());
        continue;
      }
      ParsedResource r = parsed.resources().get(0);
      String version = r.resource().metadata().resourceVersion();
      long v;
      try {
        v = Long.parseLong(version);
      } catch (NumberFormatException | NullPointerException e) {
        problems.add(r.resource().key() + ": stored without a numeric resourceVersion");
        continue;
      }
      out.add(new StoredResource(ControlPlane.keyOf(r), v, doc, r));
    }
    if (!problems.isEmpty()) {
      throw new IOException("the stored state cannot be loaded: " + String.join("; ", problems));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    try {
      reaper.shutdownNow();
      watches.close();
      jetty.stop();
    } finally {
      store.close();
    }
  }
}
