package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent in an application that has no Servlet API, Jetty, Tomcat or OkHttp on its class path:
 * it must still start and route the JDK client's calls (the inbound instrumentations must not drag
 * servlet types into premain).
 */
class PlainApplicationIT {
  @TempDir Path dir;

  @Test
  void agentStartsAndRoutesWithoutServletApiOnTheClassPath() throws Exception {
    try (EchoServer v1 = new EchoServer("v1", "user-v1")) {
      Path rules = dir.resolve("mesh.yaml");
      Files.writeString(
          rules,
          MeshFile.scenario("20-consistent-hash.yaml").instances("user", "traffic-management", v1).text());
      String testClasses = ForkedService.CLASSPATH.split(java.io.File.pathSeparator)[0];
      Path log = dir.resolve("plain.log");
      Process process =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-javaagent:" + ForkedService.AGENT_JAR,
                      "-Dinboard.config=" + rules,
                      "-Dinboard.service=plain",
                      "-Dinboard.namespace=traffic-management",
                      "-cp",
                      testClasses,
                      "io.inboard.agent.it.app.PlainClient",
                      "http://user/echo"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the plain application exits").isTrue();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(output).doesNotContain("agent not started").doesNotContain("NoClassDefFoundError");
      // "user" resolves nowhere by DNS: only the agent's routing can have reached the echo server.
      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output).contains("status=200").contains("instance=user-v1").contains("host=user");
    }
  }
}
