package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inboard.core.controlplane.ConfigServerClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway against the real config server jar, forked on loopback: it routes by what was
 * applied, a change applied while load runs fails no request, and it keeps routing with the last
 * snapshot when the server goes away.
 */
class ConfigServerWatchTest {
  private static final Path SERVER_JAR = Path.of("..", "config-server", "target", "inboard-config-server.jar");
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+:\\d+)");

  @TempDir Path dir;

  @Test
  void routesByTheServersRulesSwitchesUnderLoadAndSurvivesTheServerGoingAway() throws Exception {
    assumeTrue(Files.isRegularFile(SERVER_JAR),
        "needs " + SERVER_JAR + ": build it first (mvn -pl config-server -am package), or run the reactor build");
    Process server = new ProcessBuilder(javaBin(), "-Xmx128m", "-jar", SERVER_JAR.toString(),
        "--port", "0", "--data-dir", dir.resolve("data").toString())
        .redirectErrorStream(true).start();
    try (EchoUpstream v1 = new EchoUpstream("user-v1", Map.of("app", "user", "version", "v1"));
        EchoUpstream v2 = new EchoUpstream("user-v2", Map.of("app", "user", "version", "v2"))) {
      URI url = URI.create(serverUrl(server));
      ConfigServerClient control = new ConfigServerClient(url, null);
      control.apply(WalkThroughMesh.resource("scenarios/00-gateway.yaml") + "\n---\n"
          + WalkThroughMesh.resource("scenarios/10-canary.yaml"));
      control.register(v1.instance("user", "traffic-management"), Duration.ofSeconds(120));
      control.register(v2.instance("user", "traffic-management"), Duration.ofSeconds(120));

      GatewaySettings settings = GatewaySettings.parse(new String[] {
          "--port", "0", "--admin-port", "0", "--server", url.toString()}, Map.of());
      try (InboardGateway gateway = InboardGateway.start(settings);
          TestClient client = new TestClient(gateway.port())) {
        await().atMost(Duration.ofSeconds(30)).until(
            () -> client.get(WalkThroughMesh.USER_HOST, "/").getStatus() == 200);

        int v1Count = 0;
        for (int i = 0; i < 500; i++) {
          ContentResponse response = client.get(WalkThroughMesh.MICROSERVICE_HOST, "/user/list");
          assertThat(response.getStatus()).isEqualTo(200);
          if ("v1".equals(TestClient.echo(response).get("version"))) {
            v1Count++;
          }
        }
        assertThat(v1Count / 500.0).isBetween(0.85, 0.95);

        SteadyLoad load = new SteadyLoad(client, 4);
        await().atMost(Duration.ofSeconds(30)).until(() -> load.sent.get() >= 300);
        long revision = gateway.revision();
        control.apply(WalkThroughMesh.resource("scenarios/40-dark-release.yaml"));
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.revision() > revision);
        load.resetVersions();
        int before = load.sent.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> load.sent.get() >= before + 300);
        load.close();
        assertThat(load.failures).as("failed requests during the switch").isEmpty();
        assertThat(load.count("dev v1")).isZero();
        assertThat(load.count("plain v2")).isZero();
        assertThat(load.count("dev v2")).isPositive();

        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // The server is gone; the last snapshot stays in force.
        for (int i = 0; i < 20; i++) {
          ContentResponse response = client.get(WalkThroughMesh.USER_HOST, "/", "mode", "dev");
          assertThat(response.getStatus()).isEqualTo(200);
          assertThat(TestClient.echo(response).get("version")).isEqualTo("v2");
        }
      }
    } finally {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static String serverUrl(Process server) throws Exception {
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      StringBuilder seen = new StringBuilder();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          seen.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            url.complete(m.group(1));
          }
        }
        url.completeExceptionally(new IllegalStateException("config server exited:\n" + seen));
      } catch (Exception e) {
        url.completeExceptionally(e);
      }
    }, "config-server-output");
    reader.setDaemon(true);
    reader.start();
    return url.get(60, TimeUnit.SECONDS);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
