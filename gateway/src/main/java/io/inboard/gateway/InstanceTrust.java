package io.inboard.gateway;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How the gateway checks an instance's certificate when it opens TLS to it: the chain must lead to one of
 * the CAs ({@code caCertificates}, else the JVM's default trust store), and the certificate must carry one
 * of the names expected: any of {@code subjectAltNames}, or when none are given and the server name was
 * chosen automatically from the request's host, that host (Istio's automatic SAN check beside its
 * automatic SNI). Each refusal says what the certificate has and what was expected.
 */
final class InstanceTrust extends X509ExtendedTrustManager {
  private final X509TrustManager chains;
  private final String trusted;
  private final List<String> subjectAltNames;
  private final boolean serverNameChecked;

  /**
   * @param chains checks the chain
   * @param trusted what the chain is checked against, for messages: e.g. "caCertificates /etc/ca.pem"
   * @param subjectAltNames the names one of which the certificate must carry; empty for none given
   * @param serverNameChecked whether, without {@code subjectAltNames}, the certificate must name the server
   *     name the handshake sent
   */
  InstanceTrust(X509TrustManager chains, String trusted, List<String> subjectAltNames, boolean serverNameChecked) {
    this.chains = chains;
    this.trusted = trusted;
    this.subjectAltNames = List.copyOf(subjectAltNames);
    this.serverNameChecked = serverNameChecked;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      chains.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw new CertificateException("its certificate (" + chain[0].getSubjectX500Principal() + ", issued by "
          + chain[0].getIssuerX500Principal() + ") is not trusted by " + trusted + ": " + e.getMessage(), e);
    }
    List<String> expected = subjectAltNames;
    if (expected.isEmpty() && serverNameChecked && engine != null && engine.getPeerHost() != null
        && !isAddress(engine.getPeerHost())) {
      expected = List.of(engine.getPeerHost());
    }
    if (expected.isEmpty()) {
      return;
    }
    List<String> names = names(chain[0]);
    for (String want : expected) {
      for (String name : names) {
        if (matches(name, want)) {
          return;
        }
      }
    }
    throw new CertificateException("its certificate names " + (names.isEmpty() ? "no subject alternative name"
        : String.join(", ", names)) + ", none of " + (expected == subjectAltNames ? "subjectAltNames "
        : "the server name sent (the request's host; give subjectAltNames or sni to expect others) ")
        + String.join(", ", expected));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType, (SSLEngine) null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checkServerTrusted(chain, authType, (SSLEngine) null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("the gateway's upstream client checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("the gateway's upstream client checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("the gateway's upstream client checks servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return chains.getAcceptedIssuers();
  }

  /** The certificate's DNS names, URIs and IP addresses, as Envoy matches {@code subjectAltNames} against them. */
  private static List<String> names(X509Certificate certificate) throws CertificateParsingException {
    Collection<List<?>> all = certificate.getSubjectAlternativeNames();
    List<String> out = new ArrayList<>();
    if (all != null) {
      for (List<?> entry : all) {
        int type = (Integer) entry.get(0);
        if ((type == 2 || type == 6 || type == 7) && entry.get(1) instanceof String name) {
          out.add(name);
        }
      }
    }
    return out;
  }

  /**
   * Whether the certificate's {@code name} covers {@code want}: equal (DNS names ignoring case), or a
   * wildcard name {@code *.example.com} covering one label in its place, as Envoy matches DNS names.
   */
  static boolean matches(String name, String want) {
    if (name.equalsIgnoreCase(want)) {
      return true;
    }
    if (name.startsWith("*.")) {
      int dot = want.indexOf('.');
      return dot > 0 && want.substring(dot).toLowerCase(Locale.ROOT).equals(name.substring(1).toLowerCase(Locale.ROOT));
    }
    return false;
  }

  private static boolean isAddress(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }
}
