package io.inboard.gateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.net.Socket;
import java.security.Principal;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A test CA and certificates it signs, made at test time with the JDK's {@code keytool} and
 * written as PEM files the way a Kubernetes TLS secret holds them: the certificate chain
 * ({@code NAME.crt}), the PKCS#8 private key ({@code NAME.key}) and the CA ({@code ca.crt}).
 */
final class TestCertificates {
  private static final String PASSWORD = "changeit";
  private final Path dir;
  final Path caPem;
  private final X509Certificate ca;

  /** One issued certificate: its PEM files and the objects, for clients and assertions. */
  record Issued(Path certificate, Path key, X509Certificate cert, PrivateKey privateKey) {}

  private TestCertificates(Path dir) throws Exception {
    this.dir = dir;
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Inboard Test CA",
        "-ext", "bc:c", "-validity", "3650", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-file", "ca.crt");
    caPem = dir.resolve("ca.crt");
    ca = certificates(caPem).get(0);
  }

  static TestCertificates create(Path dir) throws Exception {
    return new TestCertificates(dir);
  }

  /**
   * A certificate signed by the CA for {@code hosts} (DNS names, or IP addresses written
   * {@code ip:127.0.0.1}), with an {@code EC} or {@code RSA} key.
   */
  Issued issue(String name, String keyAlgorithm, String... hosts) throws Exception {
    keytool("-genkeypair", "-alias", name, "-keyalg", keyAlgorithm, "-dname", "CN=" + name, "-validity", "3650",
        "-keystore", name + ".p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-certreq", "-alias", name, "-keystore", name + ".p12", "-storepass", PASSWORD, "-file", name + ".csr");
    List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12",
        "-storepass", PASSWORD, "-infile", name + ".csr", "-outfile", name + ".signed", "-validity", "3650"));
    if (hosts.length > 0) {
      List<String> names = new ArrayList<>();
      for (String host : hosts) {
        names.add(host.startsWith("ip:") ? host : "dns:" + host);
      }
      gencert.addAll(List.of("-ext", "SAN=" + String.join(",", names)));
    }
    keytool(gencert.toArray(new String[0]));
    Path crt = Files.writeString(dir.resolve(name + ".crt"),
        Files.readString(dir.resolve(name + ".signed")) + Files.readString(caPem));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve(name + ".p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD.toCharArray());
    Path keyFile = Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", key.getEncoded()));
    return new Issued(crt, keyFile, certificates(crt).get(0), key);
  }

  /**
   * A certificate revocation list of the CA, revoking {@code revoked}, current from an hour ago for
   * {@code validFor} (negative: it expired that long ago), as PEM in {@code NAME.crl}. Built with the
   * JDK alone (its DER written here, signed with the CA's key): keytool makes no revocation lists.
   */
  Path crl(String name, java.time.Duration validFor, Issued... revoked) throws Exception {
    java.time.Instant now = java.time.Instant.now();
    java.time.Instant thisUpdate = validFor.isNegative() ? now.plus(validFor).minus(java.time.Duration.ofHours(1))
        : now.minus(java.time.Duration.ofHours(1));
    java.time.Instant nextUpdate = validFor.isNegative() ? now.plus(validFor) : now.plus(validFor);
    byte[] ecdsaWithSha256 = der(0x30, new byte[] {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03,
        0x02});
    java.io.ByteArrayOutputStream entries = new java.io.ByteArrayOutputStream();
    for (Issued r : revoked) {
      entries.writeBytes(der(0x30, concat(der(0x02, r.cert().getSerialNumber().toByteArray()), utcTime(now))));
    }
    byte[] tbs = der(0x30, concat(new byte[] {0x02, 0x01, 0x01}, ecdsaWithSha256,
        ca.getSubjectX500Principal().getEncoded(), utcTime(thisUpdate), utcTime(nextUpdate),
        revoked.length == 0 ? new byte[0] : der(0x30, entries.toByteArray())));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve("ca.p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
    signer.initSign((PrivateKey) store.getKey("ca", PASSWORD.toCharArray()));
    signer.update(tbs);
    byte[] signature = signer.sign();
    byte[] bits = concat(new byte[] {0}, signature);
    byte[] crl = der(0x30, concat(tbs, ecdsaWithSha256, der(0x03, bits)));
    return Files.writeString(dir.resolve(name + ".crl"), pem("X509 CRL", crl));
  }

  private static byte[] utcTime(java.time.Instant at) {
    String text = java.time.format.DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
        .withZone(java.time.ZoneOffset.UTC).format(at);
    return der(0x17, text.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length = n < 0x80 ? new byte[] {(byte) n}
        : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
        : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    return concat(new byte[] {(byte) tag}, length, content);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A self-signed certificate, which the test CA did not sign. */
  Issued selfSigned(String name) throws Exception {
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-dname", "CN=" + name, "-validity", "3650",
        "-keystore", name + ".p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve(name + ".p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    return new Issued(null, null, (X509Certificate) store.getCertificate(name),
        (PrivateKey) store.getKey(name, PASSWORD.toCharArray()));
  }

  /** Trusts the test CA only: for clients (OkHttp's) that take the trust manager apart from the context. */
  X509TrustManager trust() throws Exception {
    return (X509TrustManager) trustManagers().getTrustManagers()[0];
  }

  private TrustManagerFactory trustManagers() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }

  /** A client context trusting the test CA, presenting {@code client} when asked (or nothing: {@code null}). */
  SSLContext client(Issued client) throws Exception {
    TrustManagerFactory tmf = trustManagers();
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    if (client != null) {
      boolean signedByCa = client.cert().getIssuerX500Principal().equals(ca.getSubjectX500Principal());
      keys.setKeyEntry("client", client.privateKey(), PASSWORD.toCharArray(),
          signedByCa ? new X509Certificate[] {client.cert(), ca} : new X509Certificate[] {client.cert()});
    }
    kmf.init(keys, PASSWORD.toCharArray());
    X509KeyManager chosen = (X509KeyManager) kmf.getKeyManagers()[0];
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {new AlwaysPresent(chosen, client != null)}, tmf.getTrustManagers(), null);
    return context;
  }

  /**
   * Presents the client certificate whatever CAs the server names (the JDK would hold back one
   * the server's CAs did not sign), so that the server's own check is what the tests see.
   */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final X509KeyManager keys;
    private final String alias;

    AlwaysPresent(X509KeyManager keys, boolean present) {
      this.keys = keys;
      this.alias = present ? "client" : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return alias;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return alias;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static List<X509Certificate> certificates(Path pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    for (var c : factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}
