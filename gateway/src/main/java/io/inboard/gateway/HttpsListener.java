package io.inboard.gateway;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
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
 * over new connections without a restart; connections already open keep theirs. With HTTP/2 on,
 * a server whose TLS settings allow it offers {@code h2} and {@code http/1.1} by ALPN
 * ({@link Http2Protocols}).
 */
final class HttpsListener {
  private static final System.Logger LOG = System.getLogger(HttpsListener.class.getName());

  final ServerConnector connector;
  private volatile TlsServers servers;

  HttpsListener(Server server, HttpConfiguration plain, String bind, int port, boolean http2) {
    servers = TlsServers.none(http2);
    HttpConfiguration https = new HttpConfiguration(plain);
    // The request's host is checked against the server's hosts by the route table, as in Envoy, not
    // against the certificate (Jetty's SNI host check).
    https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
    // The SNI step comes first; each server's TLS engine then hands over to ALPN or to HTTP/1.1 by name.
    List<ConnectionFactory> protocols = new ArrayList<>();
    protocols.add(new SniConnectionFactory(this::servers));
    if (http2) {
      protocols.addAll(List.of(Http2Protocols.overTls(https)));
    }
    protocols.add(new HttpConnectionFactory(https));
    connector = new DrainingConnector(server, protocols.toArray(new ConnectionFactory[0]));
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

  /**
   * Routes each request with the route table of the server its connection's SNI reached. An HTTP/2
   * request whose authority another server (or none) would have been reached by is answered 421
   * Misdirected Request, as Envoy answers it: HTTP/2 clients reuse a connection for every host its
   * certificate covers (RFC 7540 9.1.1), and 421 sends them to a connection of their own, with
   * that server's certificate and client-certificate demand. HTTP/1.1 clients do not reuse
   * connections across hosts; their requests meet the SNI's server's route table as before.
   */
  Handler routing(InboardProxy proxy) {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        String sni = data instanceof EndPoint.SslSessionData ssl ? TlsServers.sniOf(ssl.sslSession()) : null;
        TlsServers now = servers;
        TlsServers.Served served = now.forSni(sni);
        GatewayRoutes routes = served == null ? GatewayRoutes.EMPTY : served.routes();
        if (request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_2) {
          String why = now.misdirected(sni, served, VirtualHosts.hostOf(GatewayRequestView.authorityOf(request)));
          if (why != null) {
            return proxy.misdirected(request, response, callback, routes, why);
          }
        }
        return proxy.handle(request, response, callback, routes);
      }
    };
  }
}
