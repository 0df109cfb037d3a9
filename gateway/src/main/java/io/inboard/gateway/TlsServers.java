package io.inboard.gateway;

import io.inboard.core.route.GatewayPortRoutes.GatewayServer;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The HTTPS servers of one snapshot on the gateway's HTTPS port, each with its certificate and its
 * own route table: a client's SNI picks the server as Envoy picks a filter chain by
 * {@code server_names} (exact, else the longest wildcard, else a server with host {@code *}); with
 * no server for the SNI the handshake fails, as Envoy closes a connection that matches no filter
 * chain. Immutable; {@link #sslContext()} makes the JDK context that presents these certificates.
 */
final class TlsServers {
  static final TlsServers NONE = new TlsServers(List.of());

  /** A server as served in this snapshot: its certificate and the route table of its hosts. */
  record Served(TlsServer tls, GatewayRoutes routes) {}

  private final List<Served> served;
  private final HostPatterns<Served> bySni = new HostPatterns<>();

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
   * Why a finished handshake breaks the rules of the server its SNI reached, or {@code null}: a
   * {@code MUTUAL} server without a client certificate, a TLS version or cipher suite the server
   * does not accept (the port offers those of all its servers; each server checks its own here).
   */
  String refusal(SSLSession session) {
    String sni = sniOf(session);
    Served s = forSni(sni);
    if (s == null) {
      return "no HTTPS server of this gateway accepts SNI " + (sni == null ? "(none sent)" : "'" + sni + "'");
    }
    TlsServer tls = s.tls();
    if (!tls.protocols.contains(session.getProtocol())) {
      return tls.server.where() + " does not accept " + session.getProtocol() + " (tls min/maxProtocolVersion)";
    }
    if (tls.cipherSuites != null && !tls.cipherSuites.contains(session.getCipherSuite())) {
      return tls.server.where() + " does not accept cipher suite " + session.getCipherSuite() + " (tls.cipherSuites)";
    }
    if (tls.clientCertificateRequired) {
      try {
        session.getPeerCertificates();
      } catch (SSLPeerUnverifiedException e) {
        return tls.server.where() + " requires a client certificate (tls.mode MUTUAL) and the client sent none";
      }
    }
    return null;
  }

  /** Whether some server asks clients for a certificate ({@code MUTUAL} or {@code OPTIONAL_MUTUAL}). */
  boolean wantsClientCertificates() {
    return served.stream().anyMatch(s -> s.tls().clientTrust != null);
  }

  /** Whether every server requires a client certificate, so the handshake itself can demand one. */
  boolean needsClientCertificates() {
    return !served.isEmpty() && served.stream().allMatch(s -> s.tls().clientCertificateRequired);
  }

  /** The TLS versions the port offers: those of every server (JDK names). */
  String[] protocols() {
    Set<String> all = new LinkedHashSet<>();
    served.forEach(s -> all.addAll(s.tls().protocols));
    return all.isEmpty() ? new String[] {"TLSv1.2", "TLSv1.3"} : all.toArray(new String[0]);
  }

  /** The cipher suites the port offers, or {@code null} (the JVM's defaults) when a server sets none. */
  String[] cipherSuites() {
    Set<String> all = new LinkedHashSet<>();
    for (Served s : served) {
      if (s.tls().cipherSuites == null) {
        return null;
      }
      all.addAll(s.tls().cipherSuites);
    }
    return all.isEmpty() ? null : all.toArray(new String[0]);
  }

  /** A JDK context whose key manager presents each server's certificate by SNI, and checks client certificates. */
  SSLContext sslContext() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {new SniKeys()}, new TrustManager[] {new ClientTrust()}, null);
    return context;
  }

  private Served byAlias(String alias) {
    try {
      return served.get(Integer.parseInt(alias));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Picks the certificate of the server the client's SNI names; aliases are indexes into {@link #served}. */
  private final class SniKeys extends X509ExtendedKeyManager {
    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      Served s = forSni(engine == null ? null : sniOf(engine.getHandshakeSession()));
      return s != null && s.tls().key.getAlgorithm().equals(keyType) ? String.valueOf(served.indexOf(s)) : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null; // Jetty uses engines
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      List<String> aliases = new ArrayList<>();
      for (int i = 0; i < served.size(); i++) {
        if (served.get(i).tls().key.getAlgorithm().equals(keyType)) {
          aliases.add(String.valueOf(i));
        }
      }
      return aliases.toArray(new String[0]);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Served s = byAlias(alias);
      return s == null ? null : s.tls().chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Served s = byAlias(alias);
      return s == null ? null : s.tls().key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** Checks a client certificate against the CAs of the server the client's SNI names. */
  private final class ClientTrust extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      Served s = forSni(sniOf(engine.getHandshakeSession()));
      if (s == null || s.tls().clientTrust == null) {
        // A SIMPLE server did not ask for it (another server of the port did); it is not used.
        return;
      }
      s.tls().clientTrust.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("the gateway checks client certificates on engines only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the gateway checks client certificates on engines only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("the gateway is not a TLS client here");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("the gateway is not a TLS client here");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the gateway is not a TLS client here");
    }

    /** The CAs of every server that asks for client certificates, named in the handshake's request. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
      Set<X509Certificate> all = new LinkedHashSet<>();
      served.forEach(s -> {
        if (s.tls().clientTrust != null) {
          all.addAll(Arrays.asList(s.tls().clientTrust.getAcceptedIssuers()));
        }
      });
      return all.toArray(new X509Certificate[0]);
    }
  }
}
