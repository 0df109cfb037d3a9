package io.inboard.agent.it;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A scenario's rules with the {@code user} echo servers as instances, plus a probe: a virtual
 * service for host {@code rules-<scenario>} that answers 200 directly. Once a service's call to the
 * probe host is answered 200, the agent has this file's rules in force.
 */
final class MeshRules {
  private final String probeHost;
  private final String text;

  private MeshRules(String probeHost, String text) {
    this.probeHost = probeHost;
    this.text = text;
  }

  static MeshRules of(String scenario, EchoServer... user) throws Exception {
    String probe = probeHost(scenario);
    String text =
        MeshFile.scenario(scenario).instances("user", "traffic-management", user).with(probeDocument(probe)).text();
    return new MeshRules(probe, text);
  }

  /** A scenario's rules plus its probe, without instances: what the test applies to a config server. */
  static MeshRules forServer(String scenario) throws Exception {
    String probe = probeHost(scenario);
    return new MeshRules(probe, MeshFile.scenario(scenario).with(probeDocument(probe)).text());
  }

  String text() {
    return text;
  }

  private static String probeHost(String scenario) {
    return "rules-" + scenario.replace(".yaml", "").replaceAll("[^a-z0-9-]", "-");
  }

  private static String probeDocument(String host) {
    return "apiVersion: networking.istio.io/v1\n"
        + "kind: VirtualService\n"
        + "metadata: {name: rules-probe, namespace: traffic-management}\n"
        + "spec:\n"
        + "  hosts: ["
        + host
        + "]\n"
        + "  http:\n"
        + "  - directResponse: {status: 200}\n";
  }

  /** Replaces {@code file} in one step, so the agent never reads half a file. */
  void write(Path file) throws Exception {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, text);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Waits (generously: the machine may be busy) until {@code service}'s agent routes by these rules. */
  void awaitInForce(ForkedService service) {
    await("rules " + probeHost + " in force in " + service)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              List<CallResult> probe =
                  ServiceCalls.call(service, "okhttp", "request", 1, "http://" + probeHost + "/", Map.of());
              return probe.get(0).status() == 200;
            });
  }
}
