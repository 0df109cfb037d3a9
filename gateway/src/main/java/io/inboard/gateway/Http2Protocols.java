package io.inboard.gateway;

import java.util.Set;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * The HTTP/2 protocols of the gateway's listeners, as Envoy's ingress gateway speaks them to
 * clients: {@code h2} negotiated by ALPN on TLS (preferred to {@code http/1.1}, which stays
 * offered), and {@code h2c} with prior knowledge on plain ports. HTTP/2 over TLS asks for TLS 1.2
 * or later and a cipher suite outside RFC 7540's Appendix A; a connection that negotiated less
 * speaks HTTP/1.1 instead, so that a Gateway's old settings never break a handshake.
 */
final class Http2Protocols {
  /** The connector's name of the ALPN step: a TLS server that may speak h2 hands its connections to it. */
  static final String ALPN = "alpn";
  static final String H2 = "h2";
  /** As ALPN spells it (RFC 7301), lower-case; Jetty finds a connector's factories by it whatever the case. */
  static final String HTTP_1_1 = "http/1.1";

  private Http2Protocols() {}

  /**
   * What the HTTPS connector needs besides HTTP/1.1 for its servers to speak h2: ALPN offering
   * {@code h2} then {@code http/1.1} ({@code http/1.1} for a client that names no protocol), and
   * the h2 engine that accepts only what {@link #acceptable} accepts.
   */
  static ConnectionFactory[] overTls(HttpConfiguration https) {
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(H2, HTTP_1_1);
    alpn.setDefaultProtocol(HTTP_1_1);
    return new ConnectionFactory[] {alpn, new TlsH2(https)};
  }

  /**
   * {@code h2c} for a plain port beside HTTP/1.1: a connection that opens with the HTTP/2 preface
   * ({@code PRI * HTTP/2.0}) is served as HTTP/2. The {@code Upgrade: h2c} exchange of RFC 7540
   * section 3.2 is not taken, as Envoy does not take it by default: such a request is served as
   * HTTP/1.1, its {@code Upgrade} header dropped as hop-by-hop.
   */
  static ConnectionFactory priorKnowledge(HttpConfiguration http) {
    return new PriorKnowledgeOnly(http);
  }

  /** Whether a connection that negotiated {@code tlsProtocol} and {@code cipherSuite} may speak h2 (RFC 7540 9.2). */
  static boolean acceptable(String tlsProtocol, String cipherSuite) {
    return "TLSv1.3".equals(tlsProtocol)
        || "TLSv1.2".equals(tlsProtocol) && !HTTP2Cipher.isBlackListCipher(cipherSuite);
  }

  /**
   * Whether a server with these TLS versions and cipher suites (JDK names; {@code null}: the JVM's
   * defaults, which have suites h2 accepts) can ever negotiate a connection h2 accepts. One that
   * cannot is not offered {@code h2} at all: its clients get {@code http/1.1} without asking.
   */
  static boolean possible(Set<String> protocols, Set<String> cipherSuites) {
    if (protocols.contains("TLSv1.3")) {
      return true; // every TLS 1.3 suite is acceptable, and TLS 1.3's suites are always enabled
    }
    if (!protocols.contains("TLSv1.2")) {
      return false;
    }
    // TLS 1.3's suites, always in the list, do not count on a server held to TLS 1.2.
    return cipherSuites == null || cipherSuites.stream()
        .anyMatch(suite -> !TlsServer.TLS13_SUITES.contains(suite) && acceptable("TLSv1.2", suite));
  }

  /**
   * h2 over TLS with RFC 7540's rule applied as written: Jetty's own check refuses a listed suite
   * only on an old TLS version, which lets TLS 1.2 with {@code TLS_RSA_*} negotiate h2 and then
   * fail in clients that apply the rule (INADEQUATE_SECURITY).
   */
  private static final class TlsH2 extends HTTP2ServerConnectionFactory {
    TlsH2(HttpConfiguration https) {
      super(https);
    }

    @Override
    public boolean isAcceptable(String protocol, String tlsProtocol, String tlsCipher) {
      return acceptable(tlsProtocol, tlsCipher);
    }
  }

  /** h2c for connections that start with the preface; an {@code Upgrade: h2c} request stays HTTP/1.1. */
  private static final class PriorKnowledgeOnly extends HTTP2CServerConnectionFactory {
    PriorKnowledgeOnly(HttpConfiguration http) {
      super(http);
    }

    @Override
    public Connection upgradeConnection(Connector connector, EndPoint endPoint, MetaData.Request request,
        HttpFields.Mutable response101) {
      // The preface reaches here as the request "PRI *"; anything else is an Upgrade header.
      return HttpMethod.PRI.is(request.getMethod())
          ? super.upgradeConnection(connector, endPoint, request, response101) : null;
    }
  }
}
