package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane going away, in forked JVMs with the agent: with the config server stopped, a
 * running service routes on by the rules it had; a service started while the server is down routes
 * from the snapshot cached on disk; when the server is back (same port, same data directory), both
 * follow the next change.
 */
class ServerOutageIT {
  @TempDir Path dir;

  @Test
  void routingSurvivesTheServerGoingAwayAndAServiceStartsFromItsCache() throws Exception {
    if (!ConfigServerProcess.available()) {
      throw new IllegalStateException(
          ConfigServerProcess.JAR + " is missing; build it with mvn -pl config-server -am package -DskipTests");
    }
    Jdks.Jdk jdk = Jdks.available().get(0);
    Path data = dir.resolve("data");
    Path cache = dir.resolve("cache");
    try (EchoServer v1 = new EchoServer("v1", "user-v1");
        EchoServer v2 = new EchoServer("v2", "user-v2")) {
      ConfigServerProcess server = ConfigServerProcess.start(data);
      int port = URI.create(server.url).getPort();
      ForkedService running = null;
      ForkedService fromCache = null;
      try {
        server.register("traffic-management", "user", v1);
        server.register("traffic-management", "user", v2);
        server.apply(MeshFile.scenario("00-gateway.yaml").text());
        MeshRules darkRelease = MeshRules.forServer("40-dark-release.yaml");
        server.apply(darkRelease.text());

        running = ForkedService.start("outage-running", jdk, "jetty", agent(server.url, "front-a", cache), ForkedService.CLASSPATH);
        darkRelease.awaitInForce(running);
        ScenarioChecks.darkRelease(running);

        // The server goes away: the running service routes on by what it has.
        server.close();
        ScenarioChecks.darkRelease(running);

        // A new service, started while the server is down, with a copy of the cache directory.
        Path copy = dir.resolve("cache-copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(cache)) {
          for (Path file : files.toList()) {
            Files.copy(file, copy.resolve(file.getFileName()));
          }
        }
        assertThat(copy).isNotEmptyDirectory();
        fromCache = ForkedService.start("outage-from-cache", jdk, "jetty", agent(server.url, "front-b", copy), ForkedService.CLASSPATH);
        darkRelease.awaitInForce(fromCache);
        ScenarioChecks.darkRelease(fromCache);

        // The server is back on the same port with the same data: both follow the next change.
        server = ConfigServerProcess.start(data, port);
        server.register("traffic-management", "user", v1); // instances are leases, held in memory
        server.register("traffic-management", "user", v2);
        MeshRules consistentHash = MeshRules.forServer("20-consistent-hash.yaml");
        server.apply(consistentHash.text());
        consistentHash.awaitInForce(running);
        consistentHash.awaitInForce(fromCache);
        ScenarioChecks.consistentHash(running);
        ScenarioChecks.consistentHash(fromCache);
      } finally {
        if (running != null) {
          running.close();
        }
        if (fromCache != null) {
          fromCache.close();
        }
        server.close();
      }
    }
  }

  private static Map<String, String> agent(String server, String service, Path cache) {
    return Map.of(
        "inboard.server", server,
        "inboard.service", service,
        "inboard.namespace", "traffic-management",
        "inboard.labels", "app=front,version=v1",
        "inboard.cache-dir", cache.toString());
  }
}
