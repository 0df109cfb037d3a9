package io.inboard.gateway;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's HTTPS port: terminates TLS with the certificates of the Gateways' HTTPS servers
 * ({@link TlsServers}), the server chosen by the SNI of each connection's ClientHello
 * ({@link SniConnectionFactory}), and hands each request to the proxy with the route table of that
 * server. A new snapshot's servers take over new connections without a restart; connections
 * already open keep theirs.
 */
final class HttpsListener {
  final ServerConnector connector;
  private volatile TlsServers servers = TlsServers.NONE;

  HttpsListener(Server server, HttpConfiguration plain, String bind, int port) {
    HttpConfiguration https = new HttpConfiguration(plain);
    // The request's host is checked against the server's hosts by the route table, as in Envoy, not
    // against the certificate (Jetty's SNI host check).
    https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
    connector = new ServerConnector(server, new SniConnectionFactory(this::servers), new HttpConnectionFactory(https));
    connector.setName("https");
    connector.setHost(bind);
    connector.setPort(port);
  }

  /** Puts a snapshot's HTTPS servers in force for new connections. */
  void use(TlsServers next) {
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
}
