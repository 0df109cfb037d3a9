package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
  private final ForkedApplication application = new ForkedApplication();

  @AfterEach
  void stop() {
    application.close();
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  private Path rules() throws IOException {
    return MeshFile.empty().with(RULES)
        .instance("user-v1", "user", "traffic-management", application.server("user").getAddress().getPort(), "v1")
        .instance("other-v1", "other", "traffic-management", application.server("other").getAddress().getPort(), "v1")
        .write(dir, "mesh.yaml");
  }

  private static String run(Jdks.Jdk jdk, Path rules, String... args) throws Exception {
    return ForkedApplication.run(jdk, rules, "io.inboard.agent.it.app.RedirectApplication", List.of(), args);
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
