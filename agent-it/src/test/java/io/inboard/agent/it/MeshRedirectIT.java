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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mesh's redirects followed, and its delays waited, in a forked application
 * ({@code app.RedirectApplication}) with the agent, on each JDK: a rule redirecting {@code user} to
 * {@code other} is followed by OkHttp, {@code HttpClient} ({@code send} and {@code sendAsync}) and
 * {@code HttpURLConnection} as each follows a server's redirect, the follow-up routed to
 * {@code other}'s instance with {@code Host: other}; a routed {@code sendAsync} with an injected
 * delay returns its future before the delay is over.
 */
class MeshRedirectIT {
  private static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: traffic-management}
      spec:
        hosts: [user]
        http:
        - match: [{uri: {prefix: /old}}]
          redirect: {authority: other, uri: /new}
        - match: [{uri: {prefix: /slow}}]
          fault: {delay: {fixedDelay: 1s, percentage: {value: 100}}}
          route: [{destination: {host: user}}]
        - route: [{destination: {host: user}}]
      """;

  @TempDir Path dir;
  private final List<HttpServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  /** A server answering every request with 200: {@code name}, the path and the Host header it received. */
  private HttpServer server(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] bytes = (name + " path=" + exchange.getRequestURI().getPath() + " host="
          + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    servers.add(server);
    return server;
  }

  private Path rules() throws IOException {
    return MeshFile.empty().with(RULES)
        .instance("user-v1", "user", "traffic-management", server("user").getAddress().getPort(), "v1")
        .instance("other-v1", "other", "traffic-management", server("other").getAddress().getPort(), "v1")
        .write(dir, "mesh.yaml");
  }

  private static String run(Jdks.Jdk jdk, Path rules, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(jdk.java().toString(), "-javaagent:" + ForkedService.AGENT_JAR,
        "-Dinboard.config=" + rules, "-Dinboard.service=front", "-Dinboard.namespace=traffic-management",
        "-cp", ForkedService.CLASSPATH, "io.inboard.agent.it.app.RedirectApplication"));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("redirect-application", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the application exits").isTrue();
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void everyClientFollowsTheMeshsRedirectToAnotherMeshHost(Jdks.Jdk jdk) throws Exception {
    String output = run(jdk, rules(), "follow", "http://user/old");

    String reached = "body=other path=/new host=other";
    assertThat(output).as(output)
        .contains("RESULT okhttp status=200 redirects=1 " + reached)
        .contains("RESULT jdk status=200 redirects=1 " + reached)
        .contains("RESULT jdk-async status=200 redirects=1 " + reached)
        .contains("RESULT huc status=200 url-path=/new " + reached)
        .doesNotContain("FAILED");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void sendAsyncReturnsBeforeTheInjectedDelayEnds(Jdks.Jdk jdk) throws Exception {
    String output = run(jdk, rules(), "delayed", "http://user/slow");

    Matcher returned = Pattern.compile("RETURNED (\\d+)").matcher(output);
    Matcher answered = Pattern.compile("ANSWERED (\\d+) status=200").matcher(output);
    assertThat(returned.find()).as(output).isTrue();
    assertThat(answered.find()).as(output).isTrue();
    assertThat(Long.parseLong(returned.group(1))).as(output).isLessThan(500);
    assertThat(Long.parseLong(answered.group(1))).as(output).isGreaterThanOrEqualTo(1000);
  }
}
