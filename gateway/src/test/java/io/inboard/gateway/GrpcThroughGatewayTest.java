package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gRPC client (grpc-java, plain-text HTTP/2 with prior knowledge) through the real gateway to
 * real gRPC services on 127.0.0.1: Gateway server {@code protocol: GRPC}, calls routed by a
 * VirtualService (weighted subsets, a header match on metadata), unary and server-streaming, trailers
 * intact, an aborted call with {@code grpcStatus}, a retried {@code unavailable}, the gateway's own errors
 * as gRPC statuses, and plain HTTP on the same port still sent to an HTTP/1.1-only instance.
 */
class GrpcThroughGatewayTest {
  @TempDir static Path dir;

  private static GrpcUpstream v1;
  private static GrpcUpstream v2;
  private static EchoUpstream plain;
  private static InboardGateway gateway;
  private static ManagedChannel channel;

  private static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: shop}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: grpc, protocol: GRPC}
          hosts: [greeter.example.com]
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [plain.example.com]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: greeter, namespace: shop}
      spec:
        hosts: [greeter.example.com]
        gateways: [gw]
        http:
        - name: canary-header
          match: [{headers: {x-canary: {exact: "yes"}}}]
          route: [{destination: {host: greeter, subset: v2}}]
        - name: aborted
          match: [{uri: {exact: /demo.Greeter/Refuse}, headers: {x-abort: {}}}]
          fault: {abort: {grpcStatus: RESOURCE_EXHAUSTED, percentage: {value: 100}}}
          route: [{destination: {host: greeter, subset: v1}}]
        - name: flaky
          match: [{uri: {prefix: /demo.Greeter/Flaky}}]
          retries: {attempts: 2, retryOn: unavailable}
          route: [{destination: {host: greeter, subset: v1}}]
        - name: refused
          match: [{uri: {prefix: /demo.Greeter/Refuse}}]
          retries: {attempts: 0}
          route: [{destination: {host: greeter, subset: v1}}]
        - name: split
          route:
          - {destination: {host: greeter, subset: v1}, weight: 50}
          - {destination: {host: greeter, subset: v2}, weight: 50}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: greeter, namespace: shop}
      spec:
        host: greeter
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: plain, namespace: shop}
      spec:
        hosts: [plain.example.com]
        gateways: [gw]
        http:
        - route: [{destination: {host: plain}}]
      ---
      instances:
      """;

  @BeforeAll
  static void start() throws Exception {
    v1 = new GrpcUpstream("v1");
    v2 = new GrpcUpstream("v2");
    plain = new EchoUpstream("plain-1", Map.of());
    String yaml = RULES
        + "- {id: greeter-v1, service: greeter, namespace: shop, address: 127.0.0.1, port: " + v1.port()
        + ", labels: {app: greeter, version: v1}}\n"
        + "- {id: greeter-v2, service: greeter, namespace: shop, address: 127.0.0.1, port: " + v2.port()
        + ", labels: {app: greeter, version: v2}}\n"
        + "- {id: plain-1, service: plain, namespace: shop, address: 127.0.0.1, port: " + plain.port() + "}\n";
    gateway = UserServiceMesh.start(dir, yaml);
    channel = channel("greeter.example.com");
  }

  private static ManagedChannel channel(String authority) {
    return NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
        .usePlaintext()
        .overrideAuthority(authority)
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    gateway.close();
    v1.close();
    v2.close();
    plain.close();
  }

  @Test
  void unaryCallsAreSplitOverBothSubsetsByWeight() {
    int toV1 = 0;
    for (int i = 0; i < 60; i++) {
      String answer = GrpcUpstream.call(channel, GrpcUpstream.HELLO, "ada", CallOptions.DEFAULT);
      assertThat(answer).isIn("v1:ada", "v2:ada");
      toV1 += answer.startsWith("v1:") ? 1 : 0;
    }
    // 50/50 over 60 calls: outside [10, 50] has a probability below 1e-7.
    assertThat(toV1).isBetween(10, 50);
  }

  @Test
  void metadataMatchedByAHeaderRuleGoesToTheCanary() {
    Metadata canary = new Metadata();
    canary.put(Metadata.Key.of("x-canary", Metadata.ASCII_STRING_MARSHALLER), "yes");
    var withCanary = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(canary));
    for (int i = 0; i < 10; i++) {
      assertThat(GrpcUpstream.call(withCanary, GrpcUpstream.HELLO, "bob", CallOptions.DEFAULT)).isEqualTo("v2:bob");
    }
    assertThat(v2.lastAuthority).as("the instance sees the client's host, with the scheme's port named")
        .isEqualTo("greeter.example.com:80");
  }

  @Test
  void aServerStreamingCallStreamsEveryMessageAndItsTrailers() {
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    var capturing = ClientInterceptors.intercept(channel,
        MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers));
    Iterator<String> messages = GrpcUpstream.stream(capturing, GrpcUpstream.COUNT, "5");
    List<String> got = new ArrayList<>();
    messages.forEachRemaining(got::add);

    assertThat(got).hasSize(5);
    String id = got.get(0).substring(0, 2);
    assertThat(got).containsExactly(id + ":1", id + ":2", id + ":3", id + ":4", id + ":5");
    assertThat(trailers.get().get(GrpcUpstream.SERVED_BY)).as("the instance's trailer reaches the client").isEqualTo(id);
  }

  @Test
  void anErrorInTrailersReachesTheClientWithItsMessageAndTrailersAndIsNotRetried() {
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    var capturing = ClientInterceptors.intercept(channel,
        MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers));
    int before = v1.calls.get();

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> GrpcUpstream.call(capturing, GrpcUpstream.REFUSE, "zed", CallOptions.DEFAULT));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("bad name zed");
    assertThat(trailers.get().get(GrpcUpstream.WHY)).isEqualTo("names must be short");
    assertThat(v1.calls.get() - before).isEqualTo(1);
  }

  @Test
  void aGrpcStatusAbortAnswersTheCallWithoutReachingAnInstance() throws Exception {
    Metadata abort = new Metadata();
    abort.put(Metadata.Key.of("x-abort", Metadata.ASCII_STRING_MARSHALLER), "1");
    var aborting = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(abort));
    int before = v1.calls.get() + v2.calls.get();

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> GrpcUpstream.call(aborting, GrpcUpstream.REFUSE, "x", CallOptions.DEFAULT));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("fault injected").contains("RESOURCE_EXHAUSTED");
    assertThat(v1.calls.get() + v2.calls.get()).isEqualTo(before);
    assertThat(metrics()).containsPattern("istio_requests_total\\{[^}]*grpc_response_status=\"8\"[^}]*response_code=\"200\""
        + "[^}]*response_flags=\"FI\"");
  }

  @Test
  void anUnavailableAnswerIsRetriedOnTheSameSubset() {
    v1.flakyFailures.set(1);
    int before = v1.calls.get();

    String answer = GrpcUpstream.call(channel, GrpcUpstream.FLAKY, "eve", CallOptions.DEFAULT);

    assertThat(answer).isEqualTo("v1:eve");
    assertThat(v1.calls.get() - before).as("the first call answered UNAVAILABLE, the retry succeeded").isEqualTo(2);
  }

  @Test
  void theGatewaysOwnErrorsReachAGrpcClientAsGrpcStatuses() throws Exception {
    ManagedChannel unknown = channel("nowhere.example.com");
    try {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
          () -> GrpcUpstream.call(unknown, GrpcUpstream.HELLO, "x", CallOptions.DEFAULT));
      assertThat(e.getStatus().getCode()).as("404 maps to UNIMPLEMENTED, as in Envoy").isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(e.getStatus().getDescription()).contains("unknown host");
    } finally {
      unknown.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void plainHttpOnTheSamePortStillGoesOverHttp11() throws Exception {
    try (TestClient client = new TestClient(gateway.port())) {
      ContentResponse response = client.get("plain.example.com", "/hello");
      assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
      assertThat(TestClient.echo(response)).containsEntry("instance", "plain-1");
    }
  }

  private static String metrics() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }
}
