package io.inboard.gateway;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.UnaryOperator;
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
 * server. A new snapshot's servers, and certificates read again when their files change, take
 * over new connections without a restart; connections already open keep theirs.
 */
final class HttpsListener {
  private static final System.Logger LOG = System.getLogger(HttpsListener.class.getName());

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

  /**
   * Puts the servers {@code change} makes of those in force in force for new connections, and logs
   * each certificate problem that is new. One change at a time: a snapshot's servers and a poll of
   * their files are each made from what the other left.
   */
  synchronized void update(UnaryOperator<TlsServers> change) {
    TlsServers before = servers;
    TlsServers next = change.apply(before);
    if (next == before) {
      return;
    }
    List<String> known = before.problems();
    for (String problem : next.problems()) {
      if (!known.contains(problem)) {
        LOG.log(Level.ERROR, problem);
      }
    }
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
