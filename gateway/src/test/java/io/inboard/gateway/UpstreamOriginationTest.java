package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.ClientTLSSettings;
import io.inboard.core.route.Decision;
import io.inboard.core.route.TlsDestination;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's TLS contexts across snapshots and polls: loaded once per rule and files, kept while both
 * stay the same, loaded again when the rule or a file changes, and a file that cannot be used reported
 * with the rule, field and file.
 */
class UpstreamOriginationTest {
  private static final String HOST = "shop.edge.svc.cluster.local";
  private static final Decision.Target TARGET = new Decision.Target(HOST, null, 0, 0);

  @TempDir static Path certsDir;
  @TempDir Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void makeCa() throws Exception {
    certs = TestCertificates.create(certsDir);
  }

  private static TlsDestination destination(Path ca, String sni) {
    return new TlsDestination(HOST, null, 0, "edge/shop", new ClientTLSSettings("SIMPLE", null, null, ca.toString(),
        null, List.of(), sni, false, "spec.trafficPolicy.tls"));
  }

  @Test
  void theSameRuleAndFilesKeepTheirContextsAndAChangeOfEitherLoadsThemAgain() throws Exception {
    Path ca = Files.copy(certs.caPem, dir.resolve("ca.pem"));
    UpstreamOrigination origination = new UpstreamOrigination(null);
    origination.apply(List.of(destination(ca, null)));
    UpstreamTls first = origination.get(TARGET);
    assertThat(first.problem()).isNull();
    assertThat(first.contexts()).isNotNull();

    origination.apply(List.of(destination(ca, null)));
    assertThat(origination.get(TARGET)).as("same rule, same files").isSameAs(first);
    origination.reloaded();
    assertThat(origination.get(TARGET)).as("a poll that finds nothing changed").isSameAs(first);

    origination.apply(List.of(destination(ca, "shop.example.com")));
    UpstreamTls edited = origination.get(TARGET);
    assertThat(edited).as("the rule changed").isNotSameAs(first);
    assertThat(edited.destination.tls().sni()).isEqualTo("shop.example.com");

    Files.writeString(ca, Files.readString(certs.caPem) + "\n");
    origination.reloaded();
    assertThat(origination.get(TARGET)).as("the file changed").isNotSameAs(edited);

    origination.apply(List.of());
    assertThat(origination.get(TARGET)).as("no rule any more").isNull();
  }

  @Test
  void aFileThatCannotBeUsedIsAProblemNamingRuleFieldAndFile() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    UpstreamOrigination origination = new UpstreamOrigination(null);
    origination.apply(List.of(destination(notPem, null)));
    String problem = "DestinationRule edge/shop spec.trafficPolicy.tls.caCertificates " + notPem
        + " is not a PEM file (no -----BEGIN ...----- block); calls to " + HOST + " are answered 503 until it is fixed";
    assertThat(origination.get(TARGET).problem()).isEqualTo(problem);
    assertThat(origination.problems()).containsExactly(problem);
  }

  @Test
  void aCredentialWithoutACredentialsDirectorySaysHowToFixIt() {
    TlsDestination d = new TlsDestination(HOST, "v2", 0, "edge/shop", new ClientTLSSettings("MUTUAL", null, null,
        null, "client", List.of(), null, false, "spec.subsets[0].trafficPolicy.tls"));
    UpstreamTls tls = UpstreamTls.load(d, null);
    assertThat(tls.problem()).isEqualTo("DestinationRule edge/shop spec.subsets[0].trafficPolicy.tls.credentialName "
        + "'client': the gateway has no --credentials-dir to find it in; start it with --credentials-dir DIR where "
        + "DIR/client/ holds the secret's files; calls to " + HOST + " subset v2 are answered 503 until it is fixed");
  }
}
