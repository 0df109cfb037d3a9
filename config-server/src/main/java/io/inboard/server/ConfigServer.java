package io.inboard.server;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

  private final ControlPlane controlPlane;
  private final WatchHub watches;
  private final ScheduledExecutorService reaper;
  private final Server jetty;
  private final ServerConnector connector;
  private final ServerMetrics metrics;

  /** Opens the store and the live state over it; the caller closes what it returns. */
  private interface StateOpener {
    ControlPlane open() throws IOException;
  }

  private ConfigServer(ServerOptions options, ControlPlane controlPlane, CompletableFuture<Server> jettyReady)
      throws Exception {
    this.controlPlane = controlPlane;
    this.watches = new WatchHub(controlPlane);
    this.metrics = new ServerMetrics(controlPlane, watches);
    this.reaper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(WatchHub.daemon("inboard-lease-reaper"));
    reaper.scheduleWithFixedDelay(this::expireLeases, 1, 1, TimeUnit.SECONDS);
    try {
      jetty = jettyReady.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    connector = (ServerConnector) jetty.getConnectors()[0];
    jetty.setHandler(new ApiHandler(new AccessPolicy(options.adminToken(), options.agentToken()), controlPlane,
        watches, metrics));
  }

  private static void startDaemon(String name, Runnable work) {
    Thread t = new Thread(work, name);
    t.setDaemon(true);
    t.start();
  }

  private static Server newJetty(ServerOptions options) {
    presetJettyReferenceSize();
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("inboard-http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Names are checked segment by segment, after decoding; see PathSegments.
    http.setUriCompliance(UriCompliance.UNSAFE);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(options.bind());
    connector.setPort(options.port());
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(2000);
    return server;
  }

  /**
   * Jetty pads some shared counters by the size of an object reference, and unless told asks the
   * platform MBean server whether references are compressed, which initialises JMX: about 0.3 s
   * of start-up. Heaps under 32 GiB compress references by default, so the answer is known here.
   */
  private static void presetJettyReferenceSize() {
    String key = "org.eclipse.jetty.util.referencesPerCacheLine";
    if (System.getProperty(key) == null) {
      boolean compressed = Runtime.getRuntime().maxMemory() < 32L * 1024 * 1024 * 1024;
      int cacheLineBytes = Integer.getInteger("org.eclipse.jetty.util.cacheLineBytes", 64);
      System.setProperty(key, Integer.toString(cacheLineBytes / (compressed ? Integer.BYTES : Long.BYTES)));
    }
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
    StateOpener opener = options.etcd() == null
        ? () -> openFiles(options.dataDir())
        : () -> EtcdControlPlane.connect(options.etcd());
    // Building Jetty's server loads several hundred classes; on two cores that runs while the
    // store loads instead of after it. Jetty's MIME types also list every locale of the JDK when
    // they load (0.1-0.2 s of locale data), which a third thread starts meanwhile.
    startDaemon("inboard-locale-init", java.util.Locale::getAvailableLocales);
    CompletableFuture<Server> jettyReady = new CompletableFuture<>();
    startDaemon("inboard-http-init", () -> {
      try {
        jettyReady.complete(newJetty(options));
      } catch (Throwable t) {
        jettyReady.completeExceptionally(t);
      }
    });
    ControlPlane controlPlane = opener.open();
    try {
      ConfigServer server = new ConfigServer(options, controlPlane, jettyReady);
      server.jetty.start();
      server.warmUp(options);
      return server;
    } catch (Exception | Error e) {
      controlPlane.close();
      throw e;
    }
  }

  /** The file store in {@code dir} and the state of this one server over it. */
  private static ControlPlane openFiles(java.nio.file.Path dir) throws IOException {
    FileResourceStore store = new FileResourceStore(dir);
    try {
      StoredState state = store.load();
      List<StoredResource> stored = StoredResources.parse(state.documents());
      return new LocalControlPlane(store, startRevision(store, state), stored, System::nanoTime);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Work that need not delay listening: the start-up warning (which initialises logging), the
   * metrics registry with the JVM metrics (Micrometer and JMX), and encoding the first snapshot.
   */
  private void warmUp(ServerOptions options) {
    startDaemon("inboard-warm-up", () -> {
      if (!options.hasTokens()) {
        LOG.log(System.Logger.Level.WARNING, "no tokens configured: every caller on this machine may change"
            + " routing; bound to loopback " + options.bind() + " only");
      }
      metrics.start();
      controlPlane.current().wire();
    });
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

  /**
   * The revision this run starts at: one past the stored one, recorded before anything is served.
   * Leases are not stored, so the state a previous run served under the stored revision (its live
   * instances) is not the state this run serves; a watcher still holding that revision must be
   * answered with the new state rather than told nothing changed. An empty store (revision 0)
   * was never served with anything in it and stays at 0.
   */
  private static long startRevision(ResourceStore store, StoredState state) throws IOException {
    if (state.revision() == 0) {
      return 0;
    }
    long revision = state.revision() + 1;
    try {
      store.recordRevision(revision);
    } catch (IOException e) {
      throw new IOException("cannot record the start revision " + revision + ": " + e, e);
    }
    return revision;
  }

  @Override
  public void close() throws Exception {
    try {
      reaper.shutdownNow();
      watches.close();
      jetty.stop();
    } finally {
      controlPlane.close();
    }
  }
}
