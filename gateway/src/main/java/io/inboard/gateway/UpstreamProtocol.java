package io.inboard.gateway;

import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.model.ConnectionPoolSettings.H2UpgradePolicy;
import io.inboard.core.model.GrpcStatus;

/**
 * Which HTTP version the gateway speaks to an instance for one request, and why. HTTP/2 (h2c with prior
 * knowledge in plain text, {@code h2} by ALPN over the destination's TLS) for:
 * <ol>
 *   <li>a gRPC request ({@code content-type: application/grpc...}): gRPC needs HTTP/2 and its trailers;
 *   <li>with {@code useClientProtocol: true}, the client's own version;
 *   <li>{@code h2UpgradePolicy: UPGRADE}; {@code DO_NOT_UPGRADE} keeps HTTP/1.1 even on an HTTP2 or GRPC
 *       server;
 *   <li>a request that came through a Gateway server with {@code protocol: HTTP2} or {@code GRPC}.
 * </ol>
 * Everything else goes over HTTP/1.1, as before.
 *
 * @param http2 whether the request goes over HTTP/2
 * @param reason why, for {@code /explain}
 */
record UpstreamProtocol(boolean http2, String reason) {
  static final UpstreamProtocol HTTP_1_1 = new UpstreamProtocol(false, "HTTP/1.1: the default");
  static final UpstreamProtocol GRPC = new UpstreamProtocol(true, "HTTP/2: a gRPC request (content-type application/grpc)");

  /**
   * @param contentType the client's {@code content-type}, or {@code null}
   * @param clientHttp2 whether the client spoke HTTP/2 to the gateway
   * @param pool the destination's {@code connectionPool}, or {@code null}
   * @param http2Server whether the Gateway server that accepted the host is {@code HTTP2} or {@code GRPC}
   */
  static UpstreamProtocol choose(String contentType, boolean clientHttp2, ConnectionPoolSettings pool,
      boolean http2Server) {
    if (GrpcStatus.isGrpcContentType(contentType)) {
      return GRPC;
    }
    if (pool != null && pool.useClientProtocol()) {
      return new UpstreamProtocol(clientHttp2, (clientHttp2 ? "HTTP/2" : "HTTP/1.1")
          + ": the client's protocol (useClientProtocol: true)");
    }
    H2UpgradePolicy upgrade = pool == null ? H2UpgradePolicy.DEFAULT : pool.h2UpgradePolicy();
    if (upgrade == H2UpgradePolicy.UPGRADE) {
      return new UpstreamProtocol(true, "HTTP/2: h2UpgradePolicy: UPGRADE");
    }
    if (upgrade == H2UpgradePolicy.DO_NOT_UPGRADE) {
      return new UpstreamProtocol(false, "HTTP/1.1: h2UpgradePolicy: DO_NOT_UPGRADE");
    }
    return http2Server ? new UpstreamProtocol(true, "HTTP/2: the Gateway server is HTTP2 or GRPC") : HTTP_1_1;
  }

  /** What a destination's {@code connectionPool} makes of its requests that are not gRPC, for {@code /config}. */
  static String describe(ConnectionPoolSettings pool) {
    if (pool.useClientProtocol()) {
      return "the client's protocol (useClientProtocol: true)";
    }
    return pool.h2UpgradePolicy() == H2UpgradePolicy.UPGRADE ? "HTTP/2 (h2UpgradePolicy: UPGRADE)"
        : "HTTP/1.1 (h2UpgradePolicy: " + pool.h2UpgradePolicy() + ")";
  }
}
