package io.inboard.gateway;

import io.inboard.core.route.GatewayPortRoutes.GatewayServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import org.eclipse.jetty.server.SslConnectionFactory;

/**
 * The HTTPS servers of one snapshot on the gateway's HTTPS port, each with its certificate and its
 * own route table: a client's SNI picks the server as Envoy picks a filter chain by
 * {@code server_names} (exact, else the longest wildcard, else a server with host {@code *}); with
 * no server for the SNI the handshake fails, as Envoy closes a connection that matches no filter
 * chain. Immutable; each server has a TLS engine of its own ({@link #connectionFactoryFor}).
 */
final class TlsServers {
  static final TlsServers NONE = new TlsServers(List.of());

  /** A server as served in this snapshot: its certificate and the route table of its hosts. */
  record Served(TlsServer tls, GatewayRoutes routes) {}

  private final List<Served> served;
  private final HostPatterns<Served> bySni = new HostPatterns<>();
  private final SslConnectionFactory noServer = TlsServer.connectionFactoryWithoutCertificate();

  private TlsServers(List<Served> served) {
    this.served = List.copyOf(served);
    this.served.forEach(s -> bySni.add(s.tls().server.hosts(), s));
  }

  /**
   * Loads the certificates of {@code servers}. A server whose files cannot be used is reported to
   * {@code problems} and left out, unless {@code previous} served it: then it keeps the certificate
   * it had, so that a bad edit does not take a serving host down.
   */
  static TlsServers load(List<GatewayServer> servers, TlsServers previous, Path credentialsDir,
      Function<GatewayServer, GatewayRoutes> routes, Consumer<String> problems) {
    List<Served> out = new ArrayList<>();
    for (GatewayServer server : servers) {
      TlsServer tls;
      try {
        tls = TlsServer.load(server, credentialsDir);
      } catch (TlsServer.BadCertificate e) {
        TlsServer before = previous.find(server);
        if (before == null) {
          problems.accept(e.getMessage());
          continue;
        }
        problems.accept(e.getMessage().replace("; the server is left out", "")
            + "; the server keeps the certificate it had until this is fixed");
        tls = before.keptFor(server);
      }
      out.add(new Served(tls, routes.apply(server)));
    }
    return new TlsServers(out);
  }

  private TlsServer find(GatewayServer server) {
    for (Served s : served) {
      if (s.tls().sameServerAs(server)) {
        return s.tls();
      }
    }
    return null;
  }

  List<Served> served() {
    return served;
  }

  /** The server a client naming {@code sni} (or no name: {@code null}) reaches, or {@code null}. */
  Served forSni(String sni) {
    return bySni.find(sni);
  }

  /** The SNI host name a client sent in {@code session}, lower-case without a final dot, or {@code null}. */
  static String sniOf(SSLSession session) {
    if (session instanceof ExtendedSSLSession extended) {
      for (SNIServerName name : extended.getRequestedServerNames()) {
        if (name.getType() == StandardConstants.SNI_HOST_NAME) {
          String host = new SNIHostName(name.getEncoded()).getAsciiName().toLowerCase(Locale.ROOT);
          return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        }
      }
    }
    return null;
  }

  /**
   * The TLS connection factory of the server a client naming {@code sni} (or none: {@code null})
   * reaches; for a name no server accepts, one without a certificate, whose handshake fails.
   */
  SslConnectionFactory connectionFactoryFor(String sni) {
    Served s = forSni(sni);
    return s == null ? noServer : s.tls().connectionFactory();
  }
}
