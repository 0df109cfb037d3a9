package io.inboard.gateway;

import java.util.concurrent.CountDownLatch;

/** {@code java -jar inboard-gateway.jar ...}: parses the settings, starts, runs until stopped. */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    // One line per log record: "2026-01-01T10:00:00.000Z INFO io.inboard.gateway.InboardGateway: ...".
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
    if (GatewaySettings.wantsHelp(args)) {
      System.out.print(GatewaySettings.help());
      return;
    }
    GatewaySettings settings;
    try {
      settings = GatewaySettings.parse(args, System.getenv());
    } catch (GatewaySettings.UsageException e) {
      System.err.println("inboard-gateway: " + e.getMessage());
      System.exit(2);
      return;
    }
    InboardGateway gateway;
    try {
      gateway = InboardGateway.start(settings);
    } catch (Exception e) {
      System.err.println("inboard-gateway: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gateway.close();
      } catch (Exception e) {
        System.err.println("inboard-gateway: error while stopping: " + e);
      } finally {
        stopped.countDown();
      }
    }, "inboard-gateway-shutdown"));
    // One line that scripts can wait for and read the ports from.
    System.out.println("inboard-gateway listening on " + settings.bind() + ":" + gateway.port()
        + (gateway.httpsPort() >= 0 ? " (https " + settings.bind() + ":" + gateway.httpsPort() + ")" : "")
        + (gateway.adminPort() >= 0 ? " (admin " + settings.bind() + ":" + gateway.adminPort() + ")" : "")
        + ", routes from " + (settings.server() != null ? "config server " + settings.server() : "file " + settings.config())
        + ", labels " + settings.labels());
    System.out.flush();
    stopped.await();
  }
}
