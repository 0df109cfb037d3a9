package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the agent does at the edges of routing, for every client: hosts the mesh does not know are
 * left alone; a mesh host with nowhere to go is answered without a network call; the application's
 * own header values win; an internal failure leaves the call as the application made it; and a
 * rule's mirror (or each of its mirrors) copies calls without the application noticing.
 */
class OutboundEdgesIT extends TwoUserInstances {
  static final List<String> CLIENTS = List.of("okhttp", "okhttp-async", "jdk", "jdk-async", "huc");

  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
        trafficPolicy:
          loadBalancer:
            consistentHash: {httpHeaderName: my-header}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: traffic-management}
      spec:
        hosts: [user]
        http:
        - route:
          - destination: {host: user, subset: v1}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: local, namespace: traffic-management}
      spec:
        hosts: [localhost]
        http:
        - route:
          - destination: {host: user, subset: v2}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: ghost, namespace: traffic-management}
      spec:
        hosts: [ghost]
        http:
        - route:
          - destination: {host: user, subset: v3}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: slow, namespace: traffic-management}
      spec:
        hosts: [slow]
        http:
        - timeout: 0.5s
          route:
          - destination: {host: user, subset: v1}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: faulty, namespace: traffic-management}
      spec:
        hosts: [faulty]
        http:
        - fault:
            abort:
              httpStatus: 418
              percentage: {value: 100}
          route:
          - destination: {host: user, subset: v1}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: nowhere, namespace: traffic-management}
      spec:
        hosts: [nowhere]
        http:
        - match:
          - uri: {prefix: /never}
          route:
          - destination: {host: user, subset: v1}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: mirrored, namespace: traffic-management}
      spec:
        hosts: [mirrored]
        http:
        - route:
          - destination: {host: user, subset: v1}
          mirror: {host: user, subset: v2}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: mirrored-twice, namespace: traffic-management}
      spec:
        hosts: [mirrored-twice]
        http:
        - route:
          - destination: {host: user, subset: v1}
          mirrors:
          - destination: {host: user, subset: v2}
          - destination: {host: user, subset: v2}
            percentage: {value: 100}
      """;

  @TempDir static Path dir;
  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  private static ForkedService service(Jdks.Jdk jdk, String name, boolean failing) throws Exception {
    return service(jdk, name, failing, ForkedService.CLASSPATH);
  }

  private static ForkedService service(Jdks.Jdk jdk, String name, boolean failing, String classpath)
      throws Exception {
    return service(jdk, name, failing, classpath, Map.of());
  }

  private static ForkedService service(
      Jdks.Jdk jdk, String name, boolean failing, String classpath, Map<String, String> extra) throws Exception {
    Path rules = MeshFile.empty().with(RULES).instances("user", "traffic-management", v1, v2)
        .write(dir, name + "-" + jdk + ".yaml");
    Map<String, String> options =
        new java.util.HashMap<>(
            Map.of(
                "inboard.service", "front",
                "inboard.namespace", "traffic-management",
                "inboard.config", rules.toString()));
    if (failing) {
      options.put("io.inboard.agent.fail-outbound", "true");
    }
    options.putAll(extra);
    return ForkedService.start(name, jdk, "jetty", options, classpath);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void edgesOfRouting(Jdks.Jdk jdk) throws Exception {
    Map<String, String> alice = Map.of("my-header", "alice");
    try (ForkedService service = service(jdk, "edges", false)) {
      for (String client : CLIENTS) {
        // A host the mesh does not know: untouched, so no propagated header either.
        CallResult direct =
            ServiceCalls.call(service, client, "request", 1, "http://127.0.0.1:" + v1.port() + "/echo", alice).get(0);
        assertThat(direct.version()).as(client + ": " + direct.line()).isEqualTo("v1");
        assertThat(direct.header("my-header")).as(client + ": " + direct.line()).isNull();

        // A mesh host is routed even when the URL names a real server: localhost -> user v2.
        CallResult local =
            ServiceCalls.call(service, client, "request", 1, "http://localhost:" + v1.port() + "/echo", alice).get(0);
        assertThat(local.version()).as(client + ": " + local.line()).isEqualTo("v2");
        assertThat(local.fields().get("host")).as(client + ": " + local.line()).isEqualTo("localhost:" + v1.port());
        assertThat(local.header("my-header")).as(client + ": " + local.line()).isEqualTo("alice");

        // The application's own value is sent, once; the propagated one is not added beside it.
        CallResult own =
            ServiceCalls.call(service, client, "request", 1, "http://user/echo", alice, "my-header:own").get(0);
        assertThat(own.header("my-header")).as(client + ": " + own.line()).isEqualTo("own");

        // The rule's 0.5 s timeout cuts short a call the application allows 10 s or more (the
        // echo answers after 4 s: without the timeout this call would succeed).
        CallResult slow =
            ServiceCalls.call(service, client, "request", 1, "http://slow/echo?delay=4000", alice).get(0);
        assertThat(slow.error()).as(client + ": " + slow.line()).containsPattern("(?i)time.?out");

        CallResult noInstance = ServiceCalls.call(service, client, "request", 1, "http://ghost/x", alice).get(0);
        CallResult noRoute = ServiceCalls.call(service, client, "request", 1, "http://nowhere/x", alice).get(0);
        CallResult aborted = ServiceCalls.call(service, client, "request", 1, "http://faulty/x", alice).get(0);
        // Every client reads them as a server's answers.
        assertThat(aborted.status()).as(client + ": " + aborted.line()).isEqualTo(418);
        assertThat(aborted.fields().get("reason")).as(client + ": " + aborted.line()).isEqualTo("fault_injected");
        assertThat(noInstance.status()).as(client + ": " + noInstance.line()).isEqualTo(503);
        assertThat(noInstance.fields().get("reason")).as(client + ": " + noInstance.line()).isNotBlank();
        assertThat(noRoute.status()).as(client + ": " + noRoute.line()).isEqualTo(404);
      }
    }
  }

  /**
   * Every client's routed calls reach the admin endpoint's {@code istio_requests_total}
   * ({@code reporter="source"}), each call once: 3 calls per client, on the request thread.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void routedCallsOfEveryClientAreCountedOnce(Jdks.Jdk jdk) throws Exception {
    int adminPort = ServiceCalls.freePort();
    try (ForkedService service =
        service(jdk, "metrics", false, ForkedService.CLASSPATH, Map.of("inboard.admin-port", Integer.toString(adminPort)))) {
      for (String client : CLIENTS) {
        List<CallResult> calls = ServiceCalls.call(service, client, "request", 3, "http://user/echo", Map.of());
        assertThat(calls).as(client).allSatisfy(c -> assertThat(c.status()).as(c.line()).isEqualTo(200));
      }
      String metrics = ServiceCalls.metrics(adminPort);
      java.util.regex.Matcher sample =
          java.util.regex.Pattern.compile(
                  "(?m)^istio_requests_total\\{reporter=\"source\",[^}]*destination_version=\"v1\"[^}]*"
                      + "response_code=\"200\"[^}]*\\} ([0-9]+)$")
              .matcher(metrics);
      assertThat(sample.find()).as(metrics).isTrue();
      // Five clients (OkHttp sync and async, JDK send and sendAsync, HttpURLConnection), three calls each.
      assertThat(Long.parseLong(sample.group(1))).as(metrics).isEqualTo(3L * CLIENTS.size());
    }
  }

  /** Calls {@code mirrored} once with {@code client} and waits for the copy: the line v2 answered to it. */
  private static String mirroredCall(ForkedService service, String client, String thread) throws Exception {
    int before = v2.received.size();
    CallResult call =
        ServiceCalls.call(service, client, thread, 1, "http://mirrored/echo", Map.of("my-header", "alice")).get(0);
    assertThat(call.version()).as(client + ": the application gets the routed answer: " + call.line()).isEqualTo("v1");
    assertThat(call.fields().get("host")).as(client + ": " + call.line()).isEqualTo("mirrored");
    assertThat(call.header("my-header")).as(client + ": " + call.line()).isEqualTo("alice");
    await().atMost(Duration.ofSeconds(20)).until(() -> v2.received.size() > before);
    return v2.received.get(before);
  }

  /**
   * A rule's mirror: OkHttp, {@code HttpClient} and {@code HttpURLConnection} calls, on the request
   * thread and a pool's, are copied to the mirror's instance with {@code Host: mirrored-shadow} and
   * the propagated headers; the admin endpoint counts the copies, and no copy is in
   * {@code istio_requests_total}.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void routedCallsAreCopiedToTheMirrorWithTheShadowHostAndThePropagatedHeaders(Jdks.Jdk jdk) throws Exception {
    int adminPort = ServiceCalls.freePort();
    List<String> mirrored = List.of("okhttp", "okhttp-async", "jdk", "jdk-async", "huc");
    try (ForkedService service =
        service(jdk, "mirror", false, ForkedService.CLASSPATH, Map.of("inboard.admin-port", Integer.toString(adminPort)))) {
      for (String client : mirrored) {
        for (String thread : List.of("request", "executor")) {
          assertThat(mirroredCall(service, client, thread)).as(client + " on " + thread)
              .contains(" host=mirrored-shadow ")
              .contains(" path=/echo ")
              .contains(" h.my-header=alice")
              .contains(" h.x-request-id=");
        }
      }
      // A copy is counted once its answer is read, just after the mirror instance sent it.
      String answered = "inboard_agent_mirrors_total{result=\"answered\"} " + 2 * mirrored.size();
      await().atMost(Duration.ofSeconds(20)).until(() -> ServiceCalls.metrics(adminPort).contains(answered));
      String metrics = ServiceCalls.metrics(adminPort);
      assertThat(metrics).as(metrics)
          .doesNotContain("inboard_agent_mirrors_total{result=\"failed\"}")
          .doesNotContain("inboard_agent_errors_total{")
          .doesNotContain("destination_version=\"v2\"");
    }
  }

  /**
   * A rule's {@code mirrors}: each of its two entries (both to v2, so one instance sees every copy)
   * gets its own copy of an OkHttp, {@code HttpClient} or {@code HttpURLConnection} call; each copy
   * is counted.
   */
  @org.junit.jupiter.api.Test
  void eachOfARulesMirrorsGetsItsOwnCopy() throws Exception {
    Jdks.Jdk jdk = Jdks.available().get(0);
    int adminPort = ServiceCalls.freePort();
    List<String> mirrored = List.of("okhttp", "okhttp-async", "jdk", "jdk-async", "huc");
    try (ForkedService service = service(jdk, "mirrors", false, ForkedService.CLASSPATH,
        Map.of("inboard.admin-port", Integer.toString(adminPort)))) {
      int start = v2.received.size();
      for (String client : mirrored) {
        int before = v2.received.size();
        CallResult call = ServiceCalls.call(service, client, "request", 1, "http://mirrored-twice/echo",
            Map.of("my-header", "alice")).get(0);
        assertThat(call.version()).as(client + ": " + call.line()).isEqualTo("v1");
        await().atMost(Duration.ofSeconds(20)).until(() -> v2.received.size() >= before + 2);
        assertThat(v2.received.subList(before, before + 2)).as(client)
            .allSatisfy(copy -> assertThat(copy).contains(" host=mirrored-twice-shadow ").contains(" h.my-header=alice"));
      }
      String answered = "inboard_agent_mirrors_total{result=\"answered\"} " + 2 * mirrored.size();
      await().atMost(Duration.ofSeconds(20)).until(() -> ServiceCalls.metrics(adminPort).contains(answered));
      assertThat(v2.received.size() - start).as("two copies per call, no more").isEqualTo(2 * mirrored.size());
    }
  }

  @org.junit.jupiter.api.Test
  void okHttp4CallsAreCopiedToTheMirrorToo() throws Exception {
    Jdks.Jdk jdk = Jdks.available().get(0);
    try (ForkedService service = service(jdk, "mirror-okhttp4", false, ForkedService.classpathWithOkHttp4())) {
      for (String client : List.of("okhttp", "okhttp-plain", "okhttp-async")) {
        assertThat(mirroredCall(service, client, "request")).as(client)
            .contains(" host=mirrored-shadow ")
            .contains(" h.user-agent=okhttp/4.");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void internalFailureLeavesTheCallAsTheApplicationMadeIt(Jdks.Jdk jdk) throws Exception {
    try (ForkedService service = service(jdk, "failing", true)) {
      for (String client : CLIENTS) {
        for (String thread : List.of("request", "executor")) {
          CallResult call =
              ServiceCalls.call(
                      service, client, thread, 1, "http://localhost:" + v1.port() + "/echo", Map.of("my-header", "a"))
                  .get(0);
          // Routed, this call would reach v2 (see edgesOfRouting); failing, it goes where the URL says.
          assertThat(call.status()).as(client + ": " + call.line()).isEqualTo(200);
          assertThat(call.version()).as(client + ": " + call.line()).isEqualTo("v1");
        }
      }
      assertThat(service.output()).contains("outbound decision failed on purpose");
    }
  }

  @org.junit.jupiter.api.Test
  void okHttp4IsRoutedLikeOkHttp5() throws Exception {
    Jdks.Jdk jdk = Jdks.available().get(0);
    try (ForkedService service = service(jdk, "okhttp4", false, ForkedService.classpathWithOkHttp4())) {
      for (String client : List.of("okhttp", "okhttp-plain", "okhttp-async")) {
        CallResult local =
            ServiceCalls.call(service, client, "executor", 1, "http://localhost:" + v1.port() + "/echo", Map.of("my-header", "bob"))
                .get(0);
        assertThat(local.fields().get("h.user-agent")).as(local.line()).startsWith("okhttp/4.");
        assertThat(local.version()).as(client + ": " + local.line()).isEqualTo("v2");
        assertThat(local.header("my-header")).as(client + ": " + local.line()).isEqualTo("bob");
        CallResult noInstance = ServiceCalls.call(service, client, "request", 1, "http://ghost/x", Map.of()).get(0);
        assertThat(noInstance.status()).as(client + ": " + noInstance.line()).isEqualTo(503);
      }
    }
  }

  static final String FLAKY_RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: flaky, namespace: traffic-management}
      spec:
        host: flaky
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: flaky, namespace: traffic-management}
      spec:
        hosts: [flaky]
        http:
        - retries: {attempts: 2, retryOn: connect-failure}
          route:
          - destination: {host: flaky}
      """;

  /**
   * The rule's retries, for OkHttp 5 and 4 and the JDK's HttpClient: of the two instances of
   * {@code flaky}, taken in turn, one refuses every connection; each call that lands on it is
   * retried on the other, so every call succeeds. Without retries every other call would fail.
   */
  @org.junit.jupiter.api.Test
  void callsAreRetriedOnAnotherInstance() throws Exception {
    Jdks.Jdk jdk = Jdks.available().get(0);
    int closedPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = free.getLocalPort();
    }
    for (String classpath : List.of(ForkedService.CLASSPATH, ForkedService.classpathWithOkHttp4())) {
      Path rules = MeshFile.empty().with(FLAKY_RULES)
          .instance("flaky-up", "flaky", "traffic-management", v1.port(), "v1")
          .instance("flaky-down", "flaky", "traffic-management", closedPort, "v1")
          .write(dir, "flaky-" + classpath.hashCode() + ".yaml");
      Map<String, String> options = Map.of(
          "inboard.service", "front",
          "inboard.namespace", "traffic-management",
          "inboard.config", rules.toString());
      try (ForkedService service = ForkedService.start("flaky", jdk, "jetty", options, classpath)) {
        List<String> clients = classpath.equals(ForkedService.CLASSPATH)
            ? List.of("okhttp", "okhttp-async", "jdk", "jdk-async")
            : List.of("okhttp", "okhttp-async");
        for (String client : clients) {
          List<CallResult> calls = ServiceCalls.call(service, client, "request", 6, "http://flaky/echo", Map.of());
          assertThat(calls).as(client).allSatisfy(call -> {
            assertThat(call.status()).as(client + ": " + call.line()).isEqualTo(200);
            assertThat(call.fields().get("instance")).as(client + ": " + call.line()).isEqualTo(v1.instance);
          });
        }
      }
    }
  }

  @org.junit.jupiter.api.Test
  void switchedOffInstrumentationsLeaveTheirCallsAlone() throws Exception {
    Jdks.Jdk jdk = Jdks.available().get(0);
    Map<String, String> off =
        Map.of(
            "inboard.instrumentation.okhttp.enabled", "false",
            "inboard.instrumentation.executors.enabled", "false");
    try (ForkedService service = service(jdk, "switched-off", false, ForkedService.CLASSPATH, off)) {
      String local = "http://localhost:" + v1.port() + "/echo";
      Map<String, String> carol = Map.of("my-header", "carol");

      CallResult okhttp = ServiceCalls.call(service, "okhttp", "request", 1, local, carol).get(0);
      assertThat(okhttp.version()).as("okhttp off: " + okhttp.line()).isEqualTo("v1");
      assertThat(okhttp.header("my-header")).as("okhttp off: " + okhttp.line()).isNull();

      CallResult jdkOnRequest = ServiceCalls.call(service, "jdk", "request", 1, local, carol).get(0);
      assertThat(jdkOnRequest.version()).as("jdk: " + jdkOnRequest.line()).isEqualTo("v2");
      assertThat(jdkOnRequest.header("my-header")).as("jdk: " + jdkOnRequest.line()).isEqualTo("carol");

      // Routed still, but without the executors instrumentation the pool thread has no context.
      CallResult jdkOnPool = ServiceCalls.call(service, "jdk", "executor", 1, local, carol).get(0);
      assertThat(jdkOnPool.version()).as("jdk on a pool: " + jdkOnPool.line()).isEqualTo("v2");
      assertThat(jdkOnPool.header("my-header")).as("jdk on a pool: " + jdkOnPool.line()).isNull();
    }
  }
}
