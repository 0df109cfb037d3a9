package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.gw;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.Gateway;
import io.inboard.core.model.GatewayPort;
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
  void nonHttpServersAndTlsAreWarnedAsNotSupported() {
    String yaml = gw("""
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [a.com]
          tls: {mode: SIMPLE, credentialName: cert}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "spec.servers[0].tls: tls is not supported by Inboard yet; ignored",
        "spec.servers[0].port.protocol: HTTPS is not supported by Inboard's gateway yet; this "
            + "server is ignored (only HTTP is served)");
  }
}
