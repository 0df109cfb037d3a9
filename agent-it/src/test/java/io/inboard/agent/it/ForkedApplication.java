package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An application of {@code app} run once with the agent in a JVM of its own (service {@code front}
 * in {@code traffic-management}, standalone rules), and the small servers it calls.
 */
final class ForkedApplication implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();

  /**
   * Runs {@code mainClass} on {@code jdk} with {@code rules}, the extra JVM {@code options} and
   * {@code args}; returns what it printed once it exited.
   */
  static String run(Jdks.Jdk jdk, Path rules, String mainClass, List<String> options, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(jdk.java().toString(), "-javaagent:" + ForkedService.AGENT_JAR));
    command.addAll(options);
    command.addAll(List.of(
        "-Dinboard.config=" + rules,
        "-Dinboard.service=front",
        "-Dinboard.namespace=traffic-management",
        "-cp",
        ForkedService.CLASSPATH,
        mainClass));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("forked-application", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the application exits").isTrue();
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** A server answering every request with 200: {@code body}, the path and the Host header it received. */
  HttpServer server(String body) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] bytes = (body + " path=" + exchange.getRequestURI().getPath() + " host="
          + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    servers.add(server);
    return server;
  }

  /** Stops {@code server}, made by the test itself, with the others. */
  void stopAtEnd(HttpServer server) {
    servers.add(server);
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
  }
}
