package io.inboard.gateway;

import io.inboard.core.route.HostPatterns;
import io.inboard.core.route.GatewayPortRoutes.GatewayServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
 * chain. Immutable; each server has a TLS engine of its own ({@link #connectionFactoryFor}). Servers
 * whose files cannot be used are held with their problem, so that a later poll of the files
 * ({@link #reloaded}) can still put them in force.
 */
final class TlsServers {
  static final TlsServers NONE = none(false);

  /**
   * A server of the snapshot: its route table, the certificate it serves with ({@code null}: left
   * out, none was ever good) and what is wrong with its files ({@code null}: nothing).
   */
  record Served(GatewayServer server, GatewayRoutes routes, TlsServer tls, String problem) {}

  private final List<Served> all;
  /** Whether the gateway speaks HTTP/2 on TLS: its servers offer {@code h2} where their TLS settings allow. */
  private final boolean http2;
  private final HostPatterns<Served> bySni = new HostPatterns<>();
  private final SslConnectionFactory noServer = TlsServer.connectionFactoryWithoutCertificate();

  private TlsServers(List<Served> all, boolean http2) {
    this.all = List.copyOf(all);
    this.http2 = http2;
    for (Served s : this.all) {
      if (s.tls() != null) {
        bySni.add(s.server().hosts(), s);
      }
    }
  }

  /** No server yet; those loaded later offer {@code h2} if {@code http2} (and their TLS settings allow it). */
  static TlsServers none(boolean http2) {
    return new TlsServers(List.of(), http2);
  }

  /**
   * Loads the certificates of {@code servers}. A server whose files cannot be used is held with its
   * problem and left out, unless {@code previous} served it: then it keeps the certificate it had,
   * so that a bad edit does not take a serving host down.
   */
  static TlsServers load(List<GatewayServer> servers, TlsServers previous, Path credentialsDir,
      Function<GatewayServer, GatewayRoutes> routes) {
    List<Served> out = new ArrayList<>();
    for (GatewayServer server : servers) {
      out.add(loaded(server, routes.apply(server), previous.find(server), credentialsDir, previous.http2));
    }
    return new TlsServers(out, previous.http2);
  }

  /**
   * These servers with the certificates read again whose files changed since they were read, and
   * of those with a problem (a file may have been half written when it was read); {@code this}
   * when nothing changed, so that a poll of unchanged files costs a few {@code stat}s and no TLS
   * context. {@code renewed} hears of each server that serves a new certificate.
   */
  TlsServers reloaded(Path credentialsDir, Consumer<String> renewed) {
    List<Served> next = null;
    for (int i = 0; i < all.size(); i++) {
      Served s = all.get(i);
      if (s.problem() == null && !s.tls().filesChanged()) {
        continue;
      }
      Served again = loaded(s.server(), s.routes(), s.tls(), credentialsDir, http2);
      if (again.tls() == s.tls() && Objects.equals(again.problem(), s.problem())) {
        continue; // the same trouble as before
      }
      if (again.problem() == null) {
        renewed.accept(s.server().where() + ": certificate " + again.tls().describeCertificate()
            + " read again from its files, in force for new connections");
      }
      if (next == null) {
        next = new ArrayList<>(all);
      }
      next.set(i, again);
    }
    return next == null ? this : new TlsServers(next, http2);
  }

  /** {@code server} with its certificate loaded, else with {@code before} kept (when given) and the problem. */
  private static Served loaded(GatewayServer server, GatewayRoutes routes, TlsServer before, Path credentialsDir,
      boolean http2) {
    try {
      return new Served(server, routes, TlsServer.load(server, credentialsDir, http2), null);
    } catch (TlsServer.BadCertificate e) {
      if (before == null) {
        return new Served(server, routes, null, e.getMessage());
      }
      return new Served(server, routes, before.server == server ? before : before.keptFor(server),
          e.getMessage().replace("; the server is left out", "")
              + "; the server keeps the certificate it had until this is fixed");
    }
  }

  private TlsServer find(GatewayServer server) {
    for (Served s : all) {
      if (s.tls() != null && s.tls().sameServerAs(server)) {
        return s.tls();
      }
    }
    return null;
  }

  /** The servers in force (with a certificate), in order. */
  List<Served> served() {
    return all.stream().filter(s -> s.tls() != null).toList();
  }

  /** What is wrong with the servers' files, each naming the Gateway, server, field and file. */
  List<String> problems() {
    return all.stream().map(Served::problem).filter(java.util.Objects::nonNull).toList();
  }

  /** The server a client naming {@code sni} (or no name: {@code null}) reaches, or {@code null}. */
  Served forSni(String sni) {
    return bySni.find(sni);
  }

  /**
   * Why an HTTP/2 request for {@code host} (lower-case, no port) may not be served on a connection
   * whose SNI {@code sni} reached {@code served}: another server (or none) takes that host, so a
   * connection of its own would have met another certificate, client-certificate demand and route
   * table. {@code null} when the host selects the same server.
   */
  String misdirected(String sni, Served served, String host) {
    if (forSni(host) == served) {
      return null;
    }
    return "misdirected request: this connection reached " + (served == null ? "no server"
        : "the server for " + served.server().hosts()) + " by its TLS SNI " + (sni == null ? "(none)" : "'" + sni + "'")
        + ", and host '" + host + "' is not served by it; open a connection for '" + host + "'";
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
