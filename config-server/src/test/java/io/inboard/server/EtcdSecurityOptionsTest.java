package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options for TLS to etcd and etcd authentication: every file is read and checked at start,
 * and each mistake is named with the option (or variable), the file, and what to do.
 */
class EtcdSecurityOptionsTest {
  private static final String HTTPS = "https://127.0.0.1:2379";

  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.create(dir.resolve("certs"));
  }

  private static ServerOptions parse(Map<String, String> env, String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--store";
    all[1] = "etcd";
    System.arraycopy(args, 0, all, 2, args.length);
    return ServerOptions.parse(all, env);
  }

  @Test
  void httpsEndpointsWithACaAndAClientCertificateFromOptionsOrVariables() throws Exception {
    EtcdOptions fromOptions = parse(Map.of(), "--etcd-endpoints", HTTPS + ",https://etcd-1:2379",
        "--etcd-ca-file", certs.ca().toString(), "--etcd-cert-file", certs.clientCert().toString(),
        "--etcd-key-file", certs.clientKey().toString()).etcd();
    assertThat(fromOptions.endpoints()).containsExactly(URI.create(HTTPS), URI.create("https://etcd-1:2379"));
    assertThat(fromOptions.tls().caFile()).isEqualTo(certs.ca());
    assertThat(fromOptions.tls().certFile()).isEqualTo(certs.clientCert());
    assertThat(fromOptions.tls().context()).isNotNull();
    assertThat(fromOptions.toString()).contains("TLS (CA " + certs.ca() + ", client certificate " + certs.clientCert());

    EtcdOptions fromEnv = parse(Map.of("INBOARD_ETCD_ENDPOINTS", HTTPS, "INBOARD_ETCD_CA_FILE", certs.ca().toString(),
        "INBOARD_ETCD_CERT_FILE", certs.clientCert().toString(), "INBOARD_ETCD_KEY_FILE", certs.clientKey().toString()))
        .etcd();
    assertThat(fromEnv.tls().keyFile()).isEqualTo(certs.clientKey());
  }

  @Test
  void httpsWithoutACaFileTrustsTheJvmTrustStoreAndHttpHasNoTls() throws Exception {
    EtcdOptions https = parse(Map.of(), "--etcd-endpoints", HTTPS).etcd();
    assertThat(https.tls().caFile()).isNull();
    assertThat(https.tls().certFile()).isNull();
    assertThat(https.toString()).contains("TLS (JVM trust store)");
    assertThat(parse(Map.of(), "--etcd-endpoints", "http://127.0.0.1:2379").etcd().tls()).isNull();
  }

  @Test
  void badTlsSettingsNameTheOptionTheFileAndTheFix() throws Exception {
    Path missing = dir.resolve("absent.pem");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", HTTPS, "--etcd-ca-file", missing.toString()))
        .hasMessage("--etcd-ca-file " + missing + " does not exist; give the PEM file of the CA(s) that issued etcd's"
            + " certificate");
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
    assertThatThrownBy(() -> parse(Map.of("INBOARD_ETCD_CA_FILE", text.toString()), "--etcd-endpoints", HTTPS))
        .hasMessageStartingWith("INBOARD_ETCD_CA_FILE " + text + " is not a PEM file");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", HTTPS, "--etcd-cert-file", certs.clientCert().toString(),
        "--etcd-key-file", certs.clientCert().toString()))
        .hasMessageStartingWith("--etcd-key-file " + certs.clientCert() + " holds no PEM private key");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", HTTPS, "--etcd-cert-file", certs.clientCert().toString(),
        "--etcd-key-file", certs.etcdKey().toString()))
        .hasMessage("--etcd-key-file " + certs.etcdKey() + ": this private key does not belong to the certificate in"
            + " --etcd-cert-file " + certs.clientCert() + " (CN=inboard-config-server); give the key the certificate"
            + " was issued for");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", HTTPS, "--etcd-cert-file", certs.clientCert().toString()))
        .hasMessageStartingWith("--etcd-cert-file " + certs.clientCert() + " is given without --etcd-key-file");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", HTTPS, "--etcd-key-file", certs.clientKey().toString()))
        .hasMessageStartingWith("--etcd-key-file " + certs.clientKey() + " is given without --etcd-cert-file");
  }

  @Test
  void tlsFilesNeedHttpsEndpointsAndTheSchemesMustNotBeMixed() {
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "http://127.0.0.1:2379", "--etcd-ca-file",
        certs.ca().toString()))
        .hasMessageStartingWith("--etcd-ca-file is for TLS to etcd, but the etcd endpoints are http://");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", HTTPS + ",http://127.0.0.1:2380"))
        .hasMessageStartingWith("--etcd-endpoints mixes http:// and https://");
    assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--etcd-ca-file", certs.ca().toString()}, Map.of()))
        .hasMessageStartingWith("--etcd-ca-file is for the etcd store; add --store etcd");
  }

  @Test
  void theUserAndItsPasswordFromAFileOrTheEnvironmentNeverPrinted() throws Exception {
    Path file = Files.writeString(dir.resolve("password"), "pa ss\n");
    ServerOptions fromFile = parse(Map.of("INBOARD_ETCD_PASSWORD", "from-env"), "--etcd-user", "inboard",
        "--etcd-password-file", file.toString());
    assertThat(fromFile.etcd().login()).isEqualTo(new EtcdLogin("inboard", "pa ss", file));
    assertThat(fromFile.toString()).contains("user 'inboard'").doesNotContain("pa ss");
    EtcdOptions fromEnv = parse(Map.of("INBOARD_ETCD_USER", "inboard", "INBOARD_ETCD_PASSWORD", "from-env")).etcd();
    assertThat(fromEnv.login().password()).isEqualTo("from-env");
    assertThat(fromEnv.login().toString()).doesNotContain("from-env");
    assertThat(parse(Map.of()).etcd().login()).isNull();
  }

  @Test
  void aPasswordWithoutAUserOrAUserWithoutAPasswordOrOneOnTheCommandLineIsRefused() throws Exception {
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-user", "inboard"))
        .hasMessage("--etcd-user 'inboard' is given without a password; put it in a file named by"
            + " --etcd-password-file, or in INBOARD_ETCD_PASSWORD (never on the command line)");
    assertThatThrownBy(() -> parse(Map.of("INBOARD_ETCD_PASSWORD", "x")))
        .hasMessageStartingWith("INBOARD_ETCD_PASSWORD is given without a user; give the etcd user with --etcd-user");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-user", "inboard", "--etcd-password", "secret"))
        .hasMessageStartingWith("--etcd-password is not accepted: a password on the command line is visible")
        .hasMessageNotContaining("secret");
    Path empty = Files.writeString(dir.resolve("empty-password"), "\n");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-user", "inboard", "--etcd-password-file", empty.toString()))
        .hasMessageContaining("is empty; put the password of etcd user 'inboard' in it");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-user", "inboard", "--etcd-password-file",
        dir.resolve("nothing-here").toString()))
        .hasMessageContaining("cannot be read (it does not exist)");
  }

  @Test
  void aPasswordFileIsReadAgainAtEachAuthenticationAndAnUnusableOneKeepsThePasswordReadBefore() throws Exception {
    Path file = Files.writeString(dir.resolve("rotated-password"), "first\n");
    EtcdLogin login = parse(Map.of(), "--etcd-user", "inboard", "--etcd-password-file", file.toString()).etcd().login();
    assertThat(login.reread()).isSameAs(login);

    Files.writeString(file, "second\n"); // the secret was rotated
    EtcdLogin rotated = login.reread();
    assertThat(rotated.password()).isEqualTo("second");
    assertThat(rotated.user()).isEqualTo("inboard");

    Files.writeString(file, ""); // half written: the password that worked so far is tried
    assertThat(rotated.reread()).isSameAs(rotated);
    Files.delete(file);
    assertThat(rotated.reread()).isSameAs(rotated);

    EtcdLogin fromEnv = parse(Map.of("INBOARD_ETCD_USER", "inboard", "INBOARD_ETCD_PASSWORD", "env")).etcd().login();
    assertThat(fromEnv.reread()).isSameAs(fromEnv);
  }
}
