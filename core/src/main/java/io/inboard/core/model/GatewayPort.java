package io.inboard.core.model;

/** A gateway server's {@code port}: number, name and protocol (e.g. {@code HTTP}). */
public record GatewayPort(int number, String name, String protocol) {

  /**
   * Whether the server takes plain-text HTTP: {@code HTTP}, {@code HTTP2} or {@code GRPC}. Istio merges
   * such servers on one port into one listener and one route table.
   */
  public boolean plainHttp() {
    return "HTTP".equalsIgnoreCase(protocol) || http2();
  }

  /** Whether the server is {@code HTTP2} or {@code GRPC}: its requests go to instances over HTTP/2. */
  public boolean http2() {
    return "HTTP2".equalsIgnoreCase(protocol) || "GRPC".equalsIgnoreCase(protocol);
  }
}
