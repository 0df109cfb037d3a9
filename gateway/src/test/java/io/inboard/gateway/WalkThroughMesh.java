package io.inboard.gateway;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The walk-through's mesh on loopback, in standalone mode: user v1 and v2 as real upstreams, and
 * the real gateway reading a rules file that the test rewrites to switch scenarios.
 */
final class WalkThroughMesh implements AutoCloseable {
  static final String USER_HOST = "user.traffic-management.example.com";
  static final String MICROSERVICE_HOST = "microservice.traffic-management.example.com";

  final EchoUpstream v1;
  final EchoUpstream v2;
  final Path rules;
  final InboardGateway gateway;
  final TestClient client;

  WalkThroughMesh(Path dir, String... resources) throws Exception {
    v1 = new EchoUpstream("user-v1", Map.of("app", "user", "version", "v1"));
    v2 = new EchoUpstream("user-v2", Map.of("app", "user", "version", "v2"));
    rules = dir.resolve("rules.yaml");
    Files.writeString(rules, rulesText(resources));
    GatewaySettings settings = GatewaySettings.parse(new String[] {
        "--port", "0", "--admin-port", "0", "--config", rules.toString(), "--labels", "istio=ingressgateway"}, Map.of());
    gateway = InboardGateway.start(settings, new StandaloneConfig(rules, 100));
    client = new TestClient(gateway.port());
  }

  /** Replaces the rules file atomically and waits until the gateway uses the new revision. */
  void apply(String... resources) throws IOException {
    long before = gateway.revision();
    Path next = rules.resolveSibling("rules.yaml.next");
    Files.writeString(next, rulesText(resources));
    Files.move(next, rules, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    await().atMost(Duration.ofSeconds(30)).until(() -> gateway.revision() > before);
  }

  String rulesText(String... resources) throws IOException {
    return rulesText(v1, v2, resources);
  }

  /** The gateway document, the named resources from the test class path, and both instances. */
  static String rulesText(EchoUpstream v1, EchoUpstream v2, String... resources) throws IOException {
    List<String> docs = new ArrayList<>();
    docs.add(resource("scenarios/00-gateway.yaml"));
    for (String name : resources) {
      docs.add(resource(name));
    }
    docs.add("instances:\n"
        + instance(v1, "v1")
        + instance(v2, "v2"));
    return String.join("\n---\n", docs);
  }

  private static String instance(EchoUpstream upstream, String version) {
    return "- {id: " + upstream.id + ", service: user, namespace: traffic-management, address: 127.0.0.1, port: "
        + upstream.port() + ", labels: {app: user, version: " + version + "}}\n";
  }

  static String resource(String name) throws IOException {
    try (InputStream in = WalkThroughMesh.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("test resource " + name + " not found");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws Exception {
    client.close();
    gateway.close();
    v1.close();
    v2.close();
  }
}
