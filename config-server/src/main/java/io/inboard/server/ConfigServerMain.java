package io.inboard.server;

/** {@code java -jar inboard-config-server.jar}: parses the options and runs a {@link ConfigServer}. */
public final class ConfigServerMain {
  private ConfigServerMain() {}

  public static void main(String[] args) {
    // One line per log record: "2026-01-01T10:00:00.000Z INFO io.inboard.server.changes: ...".
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
    ServerOptions options;
    try {
      options = ServerOptions.parse(args, System.getenv());
    } catch (ServerOptions.UsageException e) {
      System.err.println("inboard-config-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(ServerOptions.HELP);
      return;
    }
    ConfigServer server;
    try {
      server = ConfigServer.start(options);
    } catch (Exception e) {
      System.err.println("inboard-config-server: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception ignored) {
        // exiting anyway
      }
    }, "inboard-shutdown"));
    System.out.println("inboard config server listening on http://" + hostForUrl(options.bind()) + ":" + server.port()
        + " (started in " + startedMillis() + " ms, revision " + server.revision() + ", " + server.resourceCount()
        + " resources, " + (options.etcd() == null ? "data dir " + options.dataDir().toAbsolutePath().normalize()
            : "etcd " + options.etcd()) + ")");
    System.out.flush();
  }

  /** Since the JVM started, as the user perceives start-up. */
  private static long startedMillis() {
    return ProcessHandle.current().info().startInstant()
        .map(t -> java.time.Duration.between(t, java.time.Instant.now()).toMillis()).orElse(-1L);
  }

  private static String hostForUrl(String bind) {
    return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
  }
}
