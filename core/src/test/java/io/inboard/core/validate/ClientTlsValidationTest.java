package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.dr;
import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.ClientTLSSettings;
import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.TrafficPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DestinationRule's {@code tls} (Istio's ClientTLSSettings): read, merged and checked as Istio checks it. */
class ClientTlsValidationTest {
  private static final String AGENTS = ": applied by the gateway only, which opens TLS to the instances itself; "
      + "an agent does not originate TLS (the application's own client opens its connections, plain or TLS as its "
      + "URL says)";

  private static String top(String tls) {
    return dr("host: reviews\ntrafficPolicy:\n  tls: " + tls);
  }

  @Test
  void readsEveryFieldAndWarnsThatAgentsLeaveIt() {
    String yaml = top("{mode: MUTUAL, clientCertificate: /c/client.pem, privateKey: /c/client.key, "
        + "caCertificates: /c/ca.pem, subjectAltNames: [reviews.shop.svc, spiffe://x/reviews], sni: Reviews.Example.COM}");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("spec.trafficPolicy.tls" + AGENTS);
    ClientTLSSettings tls = ((DestinationRule) valid(yaml)).spec().trafficPolicy().tls();
    assertThat(tls).isEqualTo(new ClientTLSSettings("MUTUAL", "/c/client.pem", "/c/client.key", "/c/ca.pem", null,
        List.of("reviews.shop.svc", "spiffe://x/reviews"), "reviews.example.com", false, "spec.trafficPolicy.tls"));
    assertThat(tls.originates()).isTrue();
  }

  @Test
  void modeIsCheckedAndDisableIsTheDefault() {
    assertThat(errors(top("{mode: STRICT}"))).containsExactly("spec.trafficPolicy.tls.mode: 'STRICT' is not a TLS "
        + "mode; use DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL");
    String noMode = top("{sni: a.example.com}");
    assertThat(errors(noMode)).isEmpty();
    assertThat(warnings(noMode)).containsExactly("spec.trafficPolicy.tls.sni: is ignored under mode DISABLE "
        + "(plain text, Istio's default mode); set mode: SIMPLE or MUTUAL, or remove it");
    ClientTLSSettings tls = ((DestinationRule) valid(noMode)).spec().trafficPolicy().tls();
    assertThat(tls.mode()).isEqualTo("DISABLE");
    assertThat(tls.originates()).isFalse();
  }

  @Test
  void unknownFieldsAreErrorsWithASuggestion() {
    assertThat(errors(top("{mode: SIMPLE, caCertificate: /ca.pem}"))).singleElement().asString()
        .startsWith("spec.trafficPolicy.tls.caCertificate: unknown field; did you mean caCertificates?");
  }

  @Test
  void mutualNeedsACertificateAndKeyUnlessACredentialHoldsThem() {
    assertThat(errors(top("{mode: MUTUAL}"))).containsExactly(
        "spec.trafficPolicy.tls.clientCertificate: MUTUAL TLS needs a client certificate: give clientCertificate "
            + "(a PEM file, e.g. /etc/certs/client.pem) or credentialName",
        "spec.trafficPolicy.tls.privateKey: MUTUAL TLS needs the client certificate's private key: give privateKey "
            + "(a PEM file, e.g. /etc/certs/client.key) or credentialName");
    assertThat(errors(top("{mode: MUTUAL, credentialName: client-cert}"))).isEmpty();
  }

  @Test
  void aCredentialExcludesTheFileFields() {
    assertThat(errors(top("{mode: SIMPLE, credentialName: up, caCertificates: /ca.pem, caCrl: /crl.pem}")))
        .containsExactly(
            "spec.trafficPolicy.tls.caCertificates: cannot be given with credentialName 'up', which holds the "
                + "certificates itself; remove caCertificates, or remove credentialName to read files",
            "spec.trafficPolicy.tls.caCrl: cannot be given with credentialName 'up', which holds the certificates "
                + "itself; remove caCrl, or remove credentialName to read files");
  }

  @Test
  void insecureSkipVerifyExcludesWhatWouldVerify() {
    assertThat(errors(top("{mode: SIMPLE, insecureSkipVerify: true, caCertificates: /ca.pem, subjectAltNames: [a], "
        + "credentialName: c}"))).contains(
            "spec.trafficPolicy.tls.caCertificates: cannot be given with insecureSkipVerify: true, which skips "
                + "verifying the instance's certificate; remove one of the two",
            "spec.trafficPolicy.tls.subjectAltNames: cannot be given with insecureSkipVerify: true, which skips "
                + "verifying the instance's certificate; remove one of the two",
            "spec.trafficPolicy.tls.credentialName: cannot be given with insecureSkipVerify: true, which skips "
                + "verifying the instance's certificate; remove one of the two");
    // Under MUTUAL a credential also holds the client certificate, so it may stay.
    assertThat(errors(top("{mode: MUTUAL, insecureSkipVerify: true, credentialName: c}"))).isEmpty();
    assertThat(errors(top("{mode: SIMPLE, insecureSkipVerify: sure}"))).containsExactly(
        "spec.trafficPolicy.tls.insecureSkipVerify: must be true or false, not the string 'sure'");
  }

  @Test
  void istioMutualTakesNoCertificatesAndStaysPlainText() {
    assertThat(errors(top("{mode: ISTIO_MUTUAL, clientCertificate: /c.pem}"))).containsExactly(
        "spec.trafficPolicy.tls.clientCertificate: cannot be given under ISTIO_MUTUAL, which uses Istio's own "
            + "workload certificates; use mode: MUTUAL with these certificates, or remove clientCertificate");
    String yaml = top("{mode: ISTIO_MUTUAL, sni: a.example.com}");
    assertThat(warnings(yaml)).containsExactly(
        "spec.trafficPolicy.tls.mode: ISTIO_MUTUAL needs Istio's workload certificates from istiod, which Inboard "
            + "does not have; traffic to this destination stays plain text (use SIMPLE or MUTUAL with your own "
            + "certificates)",
        "spec.trafficPolicy.tls" + AGENTS);
    assertThat(((DestinationRule) valid(yaml)).spec().trafficPolicy().tls().originates()).isFalse();
  }

  @Test
  void sniIsOneDnsName() {
    assertThat(errors(top("{mode: SIMPLE, sni: 'https://a.example.com'}"))).containsExactly(
        "spec.trafficPolicy.tls.sni: 'https://a.example.com' is not a server name; SNI is one DNS name, without "
            + "scheme, port, path or wildcard, e.g. sni: api.example.com");
    assertThat(errors(top("{mode: SIMPLE, sni: 10.0.0.1}"))).containsExactly(
        "spec.trafficPolicy.tls.sni: '10.0.0.1' is an IP address, which TLS does not send as SNI; give the DNS "
            + "name the instance serves, or remove sni");
  }

  @Test
  void aClientCertificateUnderSimpleIsWarnedAndACrlIsRead() {
    String yaml = top("{mode: SIMPLE, clientCertificate: /c.pem, privateKey: /k.pem, caCrl: /crl.pem}");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "spec.trafficPolicy.tls.clientCertificate: is ignored under SIMPLE, which presents no client certificate; "
            + "use mode: MUTUAL to present one, or remove it",
        "spec.trafficPolicy.tls" + AGENTS);
    assertThat(((DestinationRule) valid(yaml)).spec().trafficPolicy().tls().clientCertificate()).isNull();
    assertThat(((DestinationRule) valid(yaml)).spec().trafficPolicy().tls().caCrl()).isEqualTo("/crl.pem");
  }

  @Test
  void aSubsetsTlsReplacesTheTopLevelOneAndAPortLevelOneReplacesBoth() {
    DestinationRule dr = valid(dr("""
        host: reviews
        trafficPolicy:
          tls: {mode: SIMPLE, sni: top.example.com}
          portLevelSettings:
          - port: {number: 8443}
            tls: {mode: SIMPLE, sni: port.example.com}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy:
            tls: {mode: DISABLE}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            tls: {mode: SIMPLE, sni: v2.example.com}
            portLevelSettings:
            - port: {number: 9443}
              tls: {mode: SIMPLE, sni: v2-port.example.com}
        """));
    TrafficPolicy top = dr.spec().trafficPolicy();
    TrafficPolicy v1 = dr.spec().subsets().get(0).trafficPolicy();
    TrafficPolicy v2 = dr.spec().subsets().get(1).trafficPolicy();
    assertThat(TrafficPolicy.merged(top, null, 80).tls().sni()).isEqualTo("top.example.com");
    assertThat(TrafficPolicy.merged(top, null, 8443).tls().sni()).isEqualTo("port.example.com");
    assertThat(TrafficPolicy.merged(top, v1, 80).tls().originates()).isFalse();
    // As Istio merges: the subset's block replaces the top-level port-level one too.
    assertThat(TrafficPolicy.merged(top, v2, 8443).tls().sni()).isEqualTo("v2.example.com");
    assertThat(TrafficPolicy.merged(top, v2, 9443).tls().sni()).isEqualTo("v2-port.example.com");
    assertThat(TrafficPolicy.merged(top, v2, 9443).tls().field())
        .isEqualTo("spec.subsets[1].trafficPolicy.portLevelSettings[0].tls");
  }
}
