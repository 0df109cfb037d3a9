package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.gw;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.Gateway;
import io.inboard.core.model.GatewayPort;
import io.inboard.core.model.ServerTLSSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayValidationTest {

  private static String server(String hosts) {
    return "selector: {istio: ingressgateway}\nservers:\n"
        + "- port: {number: 80, name: http, protocol: HTTP}\n  hosts: " + hosts;
  }

  @Test
  void readsSelectorAndServers() {
    Gateway g = valid(gw(server("[api.example.com, \"*.example.org\", \"./Local.example.net\", "
        + "\"prod/*\", \"*/x.example.com\", \"*\"]")));
    assertThat(g.spec().selector()).containsEntry("istio", "ingressgateway");
    assertThat(g.spec().servers().get(0).port()).isEqualTo(new GatewayPort(80, "http", "HTTP"));
    assertThat(g.spec().servers().get(0).hosts()).containsExactly("api.example.com",
        "*.example.org", "./local.example.net", "prod/*", "*/x.example.com", "*");
  }

  @Test
  void serverHostsMustBeNamespaceSlashDnsName() {
    assertThat(errors(gw(server("[\"a/b/c\", \"/x.example.com\", \"prod/\", \"Bad_NS/x.com\", "
        + "\"x.*.com\", \"api.example.com:80\"]")))).containsExactly(
        "spec.servers[0].hosts[0]: 'a/b/c' has more than one '/'; write [namespace/]host, e.g. "
            + "'prod/api.example.com'",
        "spec.servers[0].hosts[1]: '/x.example.com' has an empty namespace before '/'; write a "
            + "namespace, '.' or '*', or drop the '/'",
        "spec.servers[0].hosts[2]: 'prod/' has no host after '/'; write e.g. 'prod/*' or "
            + "'prod/api.example.com'",
        "spec.servers[0].hosts[3]: 'bad_ns/x.com': 'bad_ns' is not a namespace; use a namespace "
            + "name, '.' (this gateway's namespace) or '*' (any)",
        "spec.servers[0].hosts[4]: 'x.*.com' has '*' inside; a wildcard is only allowed as the "
            + "first label, as in '*.example.com'",
        "spec.servers[0].hosts[5]: 'api.example.com:80' contains a port; a host is a DNS name "
            + "(ports go in destination.port or match.port)");
  }

  @Test
  void emptySelectorIsAWarning() {
    String yaml = gw("servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.com]}]");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("spec.selector: selector is empty, so this Gateway "
        + "applies to every gateway; select one, e.g. selector: {istio: ingressgateway}");
  }

  @Test
  void serversAndTheirPortsAreRequired() {
    assertThat(errors(gw("selector: {istio: ingressgateway}"))).containsExactly(
        "spec.servers: a Gateway needs at least one server (a port and the hosts it accepts)");
    assertThat(errors(gw("""
        selector: {istio: ingressgateway}
        servers:
        - hosts: [a.com]
        - port: {number: 0, protocol: SMTP}
          hosts: []
        - port: {number: 81, name: web, protocol: HTTP}
          hosts: [a.com]
        - port: {number: 82, name: web, protocol: http}
          hosts: [b.com]
        """))).containsExactly(
        "spec.servers[0].port: is required, e.g. port: {number: 80, name: http, protocol: HTTP}",
        "spec.servers[1].port.number: 0 is out of range; use 1..65535",
        "spec.servers[1].port.name: is required, e.g. name: http",
        "spec.servers[1].port.protocol: 'SMTP' is not a protocol; use HTTP, HTTPS, HTTP2, GRPC, "
            + "GRPC-WEB, TCP, TLS, MONGO, REDIS or MYSQL",
        "spec.servers[1].hosts: a server needs at least one host, e.g. hosts: [api.example.com]",
        "spec.servers[3].port.name: duplicate port name 'web'; each server's port needs its own "
            + "name");
  }

  @Test
  void readsTlsOfHttpsAndRedirectingServers() {
    Gateway g = valid(gw("""
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [a.com]
          tls:
            mode: mutual
            serverCertificate: /certs/tls.crt
            privateKey: /certs/tls.key
            caCertificates: /certs/ca.crt
            minProtocolVersion: TLSV1_2
            maxProtocolVersion: TLSV1_3
            cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256]
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [a.com]
          tls: {httpsRedirect: true}
        """));
    ServerTLSSettings tls = g.spec().servers().get(0).tls();
    assertThat(tls).isEqualTo(new ServerTLSSettings(false, "MUTUAL", "/certs/tls.crt", "/certs/tls.key",
        "/certs/ca.crt", null, "TLSV1_2", "TLSV1_3", List.of("ECDHE-RSA-AES128-GCM-SHA256")));
    assertThat(g.spec().servers().get(1).tls().httpsRedirect()).isTrue();
    assertThat(g.spec().servers().get(1).tls().mode()).isEqualTo("PASSTHROUGH");
  }

  @Test
  void readsTheChecksOfClientCertificatesAndRefusesDigestsThatAreNone() {
    String spki = "jIo3ZpgTYO6sI4ChRt+GnHXwpW0f7WYqYzHLJrPxXgI=";
    String hash = "DF:6F:F7:2F:E9:11:65:21:26:8F:64:62:6A:77:93:21:94:A1:22:6C:1B:D4:95:8B:8E:4B:7F:2E:0E:1A:4F:09";
    Gateway g = valid(gw("""
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [a.com]
          tls:
            mode: MUTUAL
            serverCertificate: /certs/tls.crt
            privateKey: /certs/tls.key
            caCertificates: /certs/ca.crt
            caCrl: /certs/ca.crl
            subjectAltNames: [spiffe://cluster.local/ns/shop/sa/checkout, client.example.com]
            verifyCertificateSpki: [%s]
            verifyCertificateHash: ["%s"]
        """.formatted(spki, hash)));
    ServerTLSSettings tls = g.spec().servers().get(0).tls();
    assertThat(tls.caCrl()).isEqualTo("/certs/ca.crl");
    assertThat(tls.subjectAltNames()).containsExactly("spiffe://cluster.local/ns/shop/sa/checkout", "client.example.com");
    assertThat(tls.clientPins().spkiSha256()).hasSize(1);
    assertThat(tls.clientPins().certificateSha256()).hasSize(1);

    assertThat(errors(gw("""
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [a.com]
          tls:
            mode: MUTUAL
            credentialName: client-ca
            caCrl: /certs/ca.crl
            verifyCertificateSpki: [not-base64!, "AAAA"]
            verifyCertificateHash: ["DF:6F", "zz6ff72fe9116521268f64626a77932194a1226c1bd4958b8e4b7f2e0e1a4f09"]
        """))).containsExactly(
        "spec.servers[0].tls.verifyCertificateSpki[0]: 'not-base64!' is not a base64 SHA-256 digest of a public key "
            + "(32 bytes); make it with openssl x509 -in CERT -noout -pubkey | openssl pkey -pubin -outform DER | "
            + "openssl dgst -sha256 -binary | base64",
        "spec.servers[0].tls.verifyCertificateSpki[1]: 'AAAA' is not a base64 SHA-256 digest of a public key "
            + "(32 bytes); make it with openssl x509 -in CERT -noout -pubkey | openssl pkey -pubin -outform DER | "
            + "openssl dgst -sha256 -binary | base64",
        "spec.servers[0].tls.verifyCertificateHash[0]: 'DF:6F' is not a hex SHA-256 digest of a certificate (64 hex "
            + "digits, colons allowed); make it with openssl x509 -in CERT -noout -fingerprint -sha256",
        "spec.servers[0].tls.verifyCertificateHash[1]: 'zz6ff72fe9116521268f64626a77932194a1226c1bd4958b8e4b7f2e0e1a4f09'"
            + " is not a hex SHA-256 digest of a certificate (64 hex digits, colons allowed); make it with openssl x509"
            + " -in CERT -noout -fingerprint -sha256",
        "spec.servers[0].tls.caCrl: cannot be given with credentialName 'client-ca': the secret holds the "
            + "revocation list itself (as ca.crl); remove caCrl, or put the list in the secret");

    String simple = gw("""
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [a.com]
          tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem, subjectAltNames: [x], caCrl: /c.crl}
        """);
    assertThat(errors(simple)).isEmpty();
    assertThat(warnings(simple)).containsExactly(
        "spec.servers[0].tls.subjectAltNames: checks the certificate of a client, which only MUTUAL and "
            + "OPTIONAL_MUTUAL ask for; ignored under SIMPLE",
        "spec.servers[0].tls.caCrl: checks the certificate of a client, which only MUTUAL and OPTIONAL_MUTUAL ask "
            + "for; ignored under SIMPLE");
  }

  @Test
  void tlsMistakesAreErrorsAsInIstio() {
    assertThat(errors(gw("""
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: a, protocol: HTTPS}
          hosts: [a.com]
        - port: {number: 443, name: b, protocol: HTTPS}
          hosts: [b.com]
          tls: {mode: SIMPLE, privateKey: /k.pem}
        - port: {number: 443, name: c, protocol: HTTPS}
          hosts: [c.com]
          tls: {mode: MUTUAL, credentialName: c-cert, minProtocolVersion: TLSV1_3, maxProtocolVersion: TLSV1_2}
        - port: {number: 443, name: d, protocol: HTTPS}
          hosts: [d.com]
          tls: {mode: STRICT, minProtocolVersion: TLS1.2}
        - port: {number: 443, name: e, protocol: HTTPS}
          hosts: [e.com]
          tls: {mode: OPTIONAL_MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem}
        """))).containsExactly(
        "spec.servers[0].tls: an HTTPS server needs TLS settings, e.g. tls: {mode: SIMPLE, credentialName: my-cert}",
        "spec.servers[1].tls.serverCertificate: SIMPLE TLS needs a server certificate: give serverCertificate "
            + "(a PEM file, e.g. /etc/istio/certs/tls.crt) or credentialName",
        "spec.servers[2].tls.minProtocolVersion: TLSV1_3 is above maxProtocolVersion TLSV1_2; lower it or "
            + "raise the maximum",
        "spec.servers[3].tls.mode: 'STRICT' is not one of PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH, "
            + "ISTIO_MUTUAL, OPTIONAL_MUTUAL",
        "spec.servers[3].tls.minProtocolVersion: 'TLS1.2' is not one of TLS_AUTO, TLSV1_0, TLSV1_1, TLSV1_2, "
            + "TLSV1_3",
        "spec.servers[4].tls.caCertificates: OPTIONAL_MUTUAL TLS needs caCertificates (a PEM file of the CAs "
            + "that sign client certificates) or credentialName");
  }

  @Test
  void passthroughModesAndUnknownCiphersAreWarned() {
    String yaml = gw("""
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [a.com]
          tls: {mode: PASSTHROUGH}
        - port: {number: 8443, name: https2, protocol: HTTPS}
          hosts: [b.com]
          tls: {mode: SIMPLE, credentialName: b, cipherSuites: [NOT-A-CIPHER, AES128-SHA, AES128-SHA]}
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [c.com]
          tls: {mode: SIMPLE, credentialName: c}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "spec.servers[0].tls.mode: PASSTHROUGH is not supported by Inboard's gateway (it terminates TLS itself, "
            + "with SIMPLE, MUTUAL or OPTIONAL_MUTUAL; passing the client's TLS through to the instance needs a "
            + "TCP proxy routing by SNI, and the gateway proxies HTTP); this server is ignored",
        "spec.servers[1].tls.cipherSuites[0]: 'NOT-A-CIPHER' is not a cipher suite Envoy knows; ignored "
            + "(write e.g. ECDHE-RSA-AES128-GCM-SHA256)",
        "spec.servers[1].tls.cipherSuites[2]: 'AES128-SHA' is listed twice; ignored",
        "spec.servers[2].tls.mode: applies to HTTPS servers only; on a HTTP server only httpsRedirect is read");
    Gateway g = valid(yaml);
    assertThat(g.spec().servers().get(1).tls().cipherSuites()).containsExactly("AES128-SHA");
  }
}
