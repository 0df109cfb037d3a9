package io.inboard.gateway;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
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
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real HTTPS upstream on 127.0.0.1 presenting a test certificate, optionally demanding a client
 * certificate signed by a CA; it answers with what its TLS side saw, one {@code name: value} line each:
 * the server name the client sent ({@code sni}, or {@code (none)}), the client certificate's subject
 * ({@code client}, or {@code (none)}), the {@code host} and {@code path}.
 */
final class TlsUpstream implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  /** What the last request received saw, as answered. */
  volatile String lastSeen;

  /** @param clientCas the CAs client certificates must chain to, or {@code null} to ask for none */
  TlsUpstream(TestCertificates.Issued certificate, X509Certificate clientCas) throws Exception {
    this(certificate, clientCas, false);
  }

  /** @param h2 whether {@code h2} is offered by ALPN beside {@code http/1.1} */
  TlsUpstream(TestCertificates.Issued certificate, X509Certificate clientCas, boolean h2) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    TrustManagerFactory trust = null;
    if (clientCas != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", clientCas);
      trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
    }
    context.init(new KeyManager[] {new OwnCertificate(certificate.privateKey(), new X509Certificate[] {certificate.cert()})},
        trust == null ? null : trust.getTrustManagers(), null);
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(context);
    ssl.setNeedClientAuth(clientCas != null);
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("tls-upstream");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // the test sees what arrived, not Jetty's own judgement of it
    http.addCustomizer(secure);
    if (h2) {
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
      alpn.setDefaultProtocol("http/1.1");
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn,
          new HTTP2ServerConnectionFactory(http), new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    }
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        EndPoint.SslSessionData data = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        String sni = "(none)";
        String client = "(none)";
        if (data != null) {
          sni = serverName(data.sslSession());
          X509Certificate[] peer = data.peerCertificates();
          if (peer != null && peer.length > 0) {
            client = peer[0].getSubjectX500Principal().getName();
          }
        }
        String seen = "sni: " + sni + "\nclient: " + client + "\nhost: " + request.getHeaders().get(HttpHeader.HOST)
            + "\npath: " + request.getHttpURI().getPath() + "\nprotocol: " + request.getConnectionMetaData().getProtocol()
            + "\nauthority: " + request.getHttpURI().getAuthority() + "\n";
        lastSeen = seen;
        Content.Sink.write(response, true, seen, callback);
        return true;
      }
    });
    server.start();
  }

  private static String serverName(SSLSession session) {
    if (session instanceof ExtendedSSLSession extended) {
      List<SNIServerName> names = extended.getRequestedServerNames();
      for (SNIServerName name : names) {
        if (name instanceof SNIHostName host) {
          return host.getAsciiName();
        }
      }
    }
    return "(none)";
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
