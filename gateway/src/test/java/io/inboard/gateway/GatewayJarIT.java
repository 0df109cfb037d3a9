package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as users run it: {@code java -jar inboard-gateway.jar --config FILE}, with a
 * heap and direct memory far smaller than the bodies it streams, so any buffering of a whole body
 * would fail the transfer.
 */
class GatewayJarIT {
  private static final Path JAR = Path.of("target", "inboard-gateway.jar");
  private static final Pattern LISTENING =
      Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(admin 127\\.0\\.0\\.1:(\\d+)\\)");
  private static final Pattern LISTENING_WITH_HTTPS =
      Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(https 127\\.0\\.0\\.1:(\\d+)\\)");
  private static final long BODY_BYTES = 128L * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void theJarRoutesTheWalkThroughStreamsLargeBodiesInSmallMemoryReloadsAndStops() throws Exception {
    assertThat(JAR).as("the shaded jar, built by the package phase").isRegularFile();
    try (EchoUpstream v1 = new EchoUpstream("user-v1", Map.of("app", "user", "version", "v1"));
        EchoUpstream v2 = new EchoUpstream("user-v2", Map.of("app", "user", "version", "v2"))) {
      Path rules = dir.resolve("rules.yaml");
      Files.writeString(rules, WalkThroughMesh.rulesText(v1, v2, "scenarios/10-canary.yaml"));
      Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx48m", "-XX:MaxDirectMemorySize=48m", "-jar", JAR.toString(),
          "--port", "0", "--admin-port", "0", "--config", rules.toString())
          .redirectErrorStream(true).start();
      try {
        int[] ports = ports(gateway, LISTENING);
        try (TestClient client = new TestClient(ports[0]); TestClient admin = new TestClient(ports[1])) {
          int v1Count = 0;
          for (int i = 0; i < 500; i++) {
            ContentResponse response = client.get(WalkThroughMesh.MICROSERVICE_HOST, "/user/");
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(TestClient.echo(response).get("path")).isEqualTo("/");
            if ("v1".equals(TestClient.echo(response).get("version"))) {
              v1Count++;
            }
          }
          assertThat(v1Count / 500.0).isBetween(0.85, 0.95);

          // Download: 128 MiB through a 48 MiB heap (and 48 MiB of direct memory), counted as it arrives.
          AtomicLong downloaded = new AtomicLong();
          CompletableFuture<Result> download = new CompletableFuture<>();
          client.request(WalkThroughMesh.USER_HOST, "/download?mb=128").timeout(5, TimeUnit.MINUTES)
              .onResponseContent((r, buffer) -> downloaded.addAndGet(buffer.remaining()))
              .send(download::complete);
          assertThat(download.get(5, TimeUnit.MINUTES).isSucceeded()).isTrue();
          assertThat(downloaded.get()).isEqualTo(BODY_BYTES);

          // Upload: the same size the other way.
          AsyncRequestContent body = new AsyncRequestContent("application/octet-stream");
          CompletableFuture<ContentResponse> upload = new CompletableResponseListener(
              client.request(WalkThroughMesh.USER_HOST, "/upload").timeout(5, TimeUnit.MINUTES)
                  .method(HttpMethod.POST).body(body), 4096).send();
          ByteBuffer block = ByteBuffer.allocate(256 * 1024);
          for (long sent = 0; sent < BODY_BYTES; sent += block.capacity()) {
            CompletableFuture<Void> written = new CompletableFuture<>();
            body.write(block.duplicate(), Callback.from(() -> written.complete(null), written::completeExceptionally));
            written.get(60, TimeUnit.SECONDS);
          }
          body.close();
          ContentResponse uploaded = upload.get(5, TimeUnit.MINUTES);
          assertThat(uploaded.getStatus()).isEqualTo(200);
          assertThat(uploaded.getContentAsString()).contains("received " + BODY_BYTES + " bytes");

          String metrics = admin.get("localhost", "/metrics").getContentAsString();
          assertThat(metrics).contains("istio_requests_total{").contains("destination_version=\"v1\"");
          assertThat(admin.get("localhost", "/readyz").getStatus()).isEqualTo(200);

          // Edit the file: the running gateway picks the new rules up.
          Path next = dir.resolve("rules.next");
          Files.writeString(next, WalkThroughMesh.rulesText(v1, v2, "scenarios/40-dark-release.yaml"));
          Files.move(next, rules, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          await().atMost(Duration.ofSeconds(30)).until(
              () -> admin.get("localhost", "/config").getContentAsString().contains("\"revision\" : 2"));
          for (int i = 0; i < 20; i++) {
            assertThat(TestClient.echo(client.get(WalkThroughMesh.USER_HOST, "/", "mode", "dev")).get("version")).isEqualTo("v2");
            assertThat(TestClient.echo(client.get(WalkThroughMesh.USER_HOST, "/")).get("version")).isEqualTo("v1");
          }
        }
        gateway.destroy(); // SIGTERM: the shutdown hook stops Jetty
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).as("gateway exits on SIGTERM").isTrue();
      } finally {
        gateway.destroyForcibly();
        gateway.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The jar speaks HTTP/2 to clients: h2 by ALPN on its HTTPS port (the JDK's ALPN, found by the
   * service files the shaded jar must keep) and prior-knowledge h2c on its plain port.
   */
  @Test
  void theJarSpeaksH2OverTlsAndH2cOnItsPlainPort() throws Exception {
    assertThat(JAR).as("the shaded jar, built by the package phase").isRegularFile();
    TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
    TestCertificates.Issued shop = certs.issue("shop", "EC", "shop.example.com");
    try (EchoUpstream upstream = new EchoUpstream("shop-1", Map.of("app", "shop"))) {
      Path rules = Files.writeString(dir.resolve("rules.yaml"), """
          apiVersion: networking.istio.io/v1
          kind: Gateway
          metadata: {name: web, namespace: edge}
          spec:
            selector: {istio: ingressgateway}
            servers:
            - port: {number: 80, name: http, protocol: HTTP}
              hosts: [shop.example.com]
            - port: {number: 443, name: https, protocol: HTTPS}
              hosts: [shop.example.com]
              tls: {mode: SIMPLE, serverCertificate: %s, privateKey: %s}
          ---
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: shop, namespace: edge}
          spec:
            hosts: [shop.example.com]
            gateways: [web]
            http:
            - route: [{destination: {host: shop}}]
          ---
          instances:
          - {id: shop-1, service: shop, namespace: edge, address: 127.0.0.1, port: %d, labels: {app: shop}}
          """.formatted(shop.certificate(), shop.key(), upstream.port()));
      Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx64m", "-jar", JAR.toString(), "--port", "0", "--https-port", "0", "--admin-port", "-1",
          "--config", rules.toString())
          .redirectErrorStream(true).start();
      OkHttpClient h2 = new OkHttpClient.Builder()
          .dns(host -> List.of(InetAddress.getByName("127.0.0.1")))
          .sslSocketFactory(certs.client(null).getSocketFactory(), certs.trust())
          .protocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1)).build();
      OkHttpClient h2c = h2.newBuilder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE)).build();
      try {
        int[] ports = ports(gateway, LISTENING_WITH_HTTPS);
        try (Response overTls = h2.newCall(new Request.Builder()
                .url("https://shop.example.com:" + ports[1] + "/list").build()).execute();
            Response overH2c = h2c.newCall(new Request.Builder()
                .url("http://shop.example.com:" + ports[0] + "/list").build()).execute()) {
          assertThat(overTls.protocol()).isEqualTo(Protocol.HTTP_2);
          assertThat(TestClient.echo(overTls.body().string())).containsEntry("instance", "shop-1");
          assertThat(overH2c.protocol()).isEqualTo(Protocol.H2_PRIOR_KNOWLEDGE);
          assertThat(TestClient.echo(overH2c.body().string())).containsEntry("instance", "shop-1");
        }
      } finally {
        h2.dispatcher().executorService().shutdown();
        h2.connectionPool().evictAll();
        h2c.connectionPool().evictAll();
        gateway.destroyForcibly();
        gateway.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static int[] ports(Process gateway, Pattern listening) throws Exception {
    CompletableFuture<int[]> ports = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      StringBuilder seen = new StringBuilder();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          seen.append(line).append('\n');
          Matcher m = listening.matcher(line);
          if (m.find()) {
            ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
          }
        }
        ports.completeExceptionally(new IllegalStateException("gateway exited:\n" + seen));
      } catch (Exception e) {
        ports.completeExceptionally(e);
      }
    }, "gateway-output");
    reader.setDaemon(true);
    reader.start();
    return ports.get(60, TimeUnit.SECONDS);
  }
}
