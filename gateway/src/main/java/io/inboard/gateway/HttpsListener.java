package io.inboard.gateway;

import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The gateway's HTTPS port: terminates TLS with the certificates of the Gateways' HTTPS servers
 * ({@link TlsServers}), chosen by SNI, and hands each request to the proxy with the route table of
 * the server its connection reached. A new snapshot's certificates replace the old ones for new
 * connections without a restart; connections already open keep theirs.
 */
final class HttpsListener {
  private static final System.Logger LOG = System.getLogger(HttpsListener.class.getName());

  private final SslContextFactory.Server ssl = new SslContextFactory.Server();
  private final String[] defaultExcludedSuites;
  final ServerConnector connector;
  private volatile TlsServers servers = TlsServers.NONE;

  HttpsListener(Server server, HttpConfiguration plain, String bind, int port) throws GeneralSecurityException {
    ssl.setSslContext(TlsServers.NONE.sslContext());
    ssl.setIncludeProtocols(TlsServers.NONE.protocols());
    defaultExcludedSuites = ssl.getExcludeCipherSuites();
    HttpConfiguration https = new HttpConfiguration(plain);
    // The request's host is checked against the server's hosts by the route table, as in Envoy, not
    // against the certificate (Jetty's SNI host check).
    SecureRequestCustomizer secure = new SecureRequestCustomizer(false, false, -1, false);
    https.addCustomizer(secure);
    SslConnectionFactory tls = new SslConnectionFactory(ssl, "http/1.1");
    tls.addBean(new ServerRules());
    connector = new ServerConnector(server, tls, new HttpConnectionFactory(https));
    connector.setName("https");
    connector.setHost(bind);
    connector.setPort(port);
  }

  /** Puts a snapshot's HTTPS servers in force for new connections. */
  void use(TlsServers next) throws Exception {
    var context = next.sslContext();
    String[] suites = next.cipherSuites();
    ssl.reload(factory -> {
      factory.setSslContext(context);
      factory.setIncludeProtocols(next.protocols());
      // A server's own cipherSuites are taken as written (Jetty would exclude TLS_RSA_* and *_SHA);
      // without any, Jetty's defaults apply.
      factory.setIncludeCipherSuites(suites == null ? new String[0] : suites);
      factory.setExcludeCipherSuites(suites == null ? defaultExcludedSuites : new String[0]);
      ssl.setWantClientAuth(next.wantsClientCertificates());
      ssl.setNeedClientAuth(next.needsClientCertificates());
    });
    servers = next;
  }

  TlsServers servers() {
    return servers;
  }

  int port() {
    return connector.getLocalPort();
  }

  /** Routes each request with the route table of the server its connection's SNI reached. */
  Handler routing(InboardProxy proxy) {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        String sni = data instanceof EndPoint.SslSessionData ssl ? TlsServers.sniOf(ssl.sslSession()) : null;
        TlsServers.Served served = servers.forSni(sni);
        return proxy.handle(request, response, callback, served == null ? GatewayRoutes.EMPTY : served.routes());
      }
    };
  }

  /**
   * Holds each connection to the rules of the server it reached, once the handshake has told which:
   * a {@code MUTUAL} server's client certificate, each server's TLS versions and cipher suites.
   * Breaking one closes the connection, as Envoy fails such a handshake.
   */
  private final class ServerRules implements SslHandshakeListener {
    @Override
    public void handshakeSucceeded(Event event) throws SSLException {
      String refusal = servers.refusal(event.getSSLEngine().getSession());
      if (refusal != null) {
        LOG.log(Level.DEBUG, "TLS connection closed: {0}", refusal);
        throw new SSLHandshakeException(refusal);
      }
    }
  }
}
