package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks a MUTUAL Gateway server makes of a client's certificate beyond its CA, on real TLS over
 * 127.0.0.1: a revocation list ({@code caCrl}, or {@code ca.crl} in a credential's secret), the
 * names it must carry ({@code subjectAltNames}), and pins of the certificate or its public key
 * ({@code verifyCertificateHash}, {@code verifyCertificateSpki}). A refused client's handshake
 * fails, as with Envoy; the same client passes where the check lets it.
 */
class ClientCertificateChecksTest {
  @TempDir static Path certsDir;
  @TempDir Path dir;

  static TestCertificates certs;
  static TestCertificates.Issued serverCert;
  static TestCertificates.Issued good;
  static TestCertificates.Issued revoked;
  static TestCertificates.Issued otherName;
  static Path crl;
  static Path expiredCrl;
  static Path credentials;
  static EchoUpstream shop;

  @BeforeAll
  static void makeCertificatesAndUpstream() throws Exception {
    certs = TestCertificates.create(certsDir);
    serverCert = certs.issue("server", "EC", "*.example.com");
    good = certs.issue("good-client", "EC", "allowed.example.com");
    revoked = certs.issue("revoked-client", "EC", "allowed.example.com");
    otherName = certs.issue("other-client", "RSA", "other.example.com");
    crl = certs.crl("current", Duration.ofDays(1), revoked);
    expiredCrl = certs.crl("expired", Duration.ofHours(-1));
    // The same CA and list as a mounted secret: tls.crt, tls.key, ca.crt and ca.crl.
    credentials = Files.createDirectories(certsDir.resolve("credentials"));
    Path secret = Files.createDirectories(credentials.resolve("mutual-cert"));
    Files.copy(serverCert.certificate(), secret.resolve("tls.crt"));
    Files.copy(serverCert.key(), secret.resolve("tls.key"));
    Files.copy(certs.caPem, secret.resolve("ca.crt"));
    Files.copy(crl, secret.resolve("ca.crl"));
    shop = new EchoUpstream("shop-1", Map.of("app", "shop"));
  }

  @AfterAll
  static void stopUpstream() throws Exception {
    shop.close();
  }

  private static String mutual(String more) {
    return "{mode: MUTUAL, serverCertificate: " + serverCert.certificate() + ", privateKey: " + serverCert.key()
        + ", caCertificates: " + certs.caPem + more + "}";
  }

  private InboardGateway start() throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(good.cert().getEncoded());
    String hexWithColons = HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
    String spki = Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(good.cert().getPublicKey().getEncoded()));
    String servers = HttpsServersTest.server("crl", 443, "HTTPS", "crl.example.com", mutual(", caCrl: " + crl))
        + HttpsServersTest.server("secret", 443, "HTTPS", "secret.example.com",
            "{mode: MUTUAL, credentialName: mutual-cert}")
        + HttpsServersTest.server("expired", 443, "HTTPS", "expired.example.com", mutual(", caCrl: " + expiredCrl))
        + HttpsServersTest.server("names", 443, "HTTPS", "names.example.com",
            mutual(", subjectAltNames: [spiffe://cluster.local/ns/a/sa/b, allowed.example.com]"))
        + HttpsServersTest.server("hash", 443, "HTTPS", "hash.example.com",
            mutual(", verifyCertificateHash: [\"" + hexWithColons + "\"]"))
        + HttpsServersTest.server("spki", 443, "HTTPS", "spki.example.com",
            mutual(", verifyCertificateSpki: [\"" + spki + "\"]"))
        + HttpsServersTest.server("either", 443, "HTTPS", "either.example.com",
            mutual(", verifyCertificateSpki: [\"" + spki + "\"], verifyCertificateHash: [\""
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(otherName.cert().getEncoded()))
                + "\"]"));
    Path file = Files.writeString(dir.resolve("mesh.yaml"), HttpsServersTest.mesh(servers, shop.port()));
    return InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system").withHttps(0, 443, credentials));
  }

  private static int status(InboardGateway gw, String host, TestCertificates.Issued client) throws Exception {
    return HttpsCall.get(certs.client(client), gw.httpsPort(), host, host, "/").status();
  }

  private static void refused(InboardGateway gw, String host, TestCertificates.Issued client) {
    assertThatThrownBy(() -> status(gw, host, client)).as("%s with %s", host, client.cert().getSubjectX500Principal())
        .isInstanceOf(IOException.class);
  }

  @Test
  void aRevocationListRefusesTheCertificatesItRevokesFromAFileOrFromTheSecret() throws Exception {
    try (InboardGateway gw = start()) {
      assertThat(status(gw, "crl.example.com", good)).isEqualTo(200);
      refused(gw, "crl.example.com", revoked);
      assertThat(status(gw, "secret.example.com", good)).isEqualTo(200);
      refused(gw, "secret.example.com", revoked);
      // Without a list the revoked certificate is just a certificate of the CA.
      assertThat(status(gw, "names.example.com", revoked)).isEqualTo(200);
    }
  }

  @Test
  void aRevocationListPastItsNextUpdateRefusesEveryClientAsEnvoyDoes() throws Exception {
    try (InboardGateway gw = start()) {
      refused(gw, "expired.example.com", good);
    }
  }

  @Test
  void subjectAltNamesAdmitOnlyCertificatesCarryingOneOfThem() throws Exception {
    try (InboardGateway gw = start()) {
      assertThat(status(gw, "names.example.com", good)).isEqualTo(200);
      refused(gw, "names.example.com", otherName);
    }
  }

  @Test
  void pinsAdmitOnlyThePinnedCertificateOrKeyAndEitherListIsEnough() throws Exception {
    try (InboardGateway gw = start()) {
      assertThat(status(gw, "hash.example.com", good)).isEqualTo(200);
      refused(gw, "hash.example.com", revoked);
      assertThat(status(gw, "spki.example.com", good)).isEqualTo(200);
      refused(gw, "spki.example.com", otherName);
      // good by its key, otherName by its certificate's hash; revoked by neither.
      assertThat(status(gw, "either.example.com", good)).isEqualTo(200);
      assertThat(status(gw, "either.example.com", otherName)).isEqualTo(200);
      refused(gw, "either.example.com", revoked);
    }
  }
}
