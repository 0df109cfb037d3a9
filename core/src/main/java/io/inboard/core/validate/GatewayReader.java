package io.inboard.core.validate;

import io.inboard.core.model.CipherSuites;
import io.inboard.core.model.GatewayPort;
import io.inboard.core.model.GatewaySpec;
import io.inboard.core.model.Server;
import io.inboard.core.model.ServerTLSSettings;
import io.inboard.core.tls.CertificatePins;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads and validates a Gateway {@code spec}. */
final class GatewayReader {
  private static final Schema SPEC = Schema.of("selector", "servers");
  private static final Schema SERVER =
      Schema.of("port", "hosts", "name", "tls").unsupported("bind", "defaultEndpoint");
  private static final Schema TLS = Schema.of("httpsRedirect", "mode", "serverCertificate", "privateKey",
      "caCertificates", "credentialName", "minProtocolVersion", "maxProtocolVersion", "cipherSuites",
      "subjectAltNames", "verifyCertificateSpki", "verifyCertificateHash", "caCrl")
      .unsupported("credentialNames", "tlsCertificates");
  private static final List<String> MODES =
      List.of("PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL");
  /** Istio's {@code TLSProtocol} values, oldest first ({@code TLS_AUTO} aside). */
  private static final List<String> VERSIONS = List.of("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3");
  private static final Schema PORT = Schema.of("number", "name", "protocol").unsupported("targetPort");

  /** Protocols Istio knows; Inboard's gateway serves the HTTP ones. */
  private static final Set<String> PROTOCOLS =
      Set.of("HTTP", "HTTPS", "HTTP2", "GRPC", "GRPC-WEB", "TCP", "TLS", "MONGO", "REDIS", "MYSQL");
  private static final Set<String> SERVED = Set.of("HTTP", "HTTPS", "HTTP2", "GRPC");

  private GatewayReader() {}

  static GatewaySpec read(Field spec) {
    if (!spec.object(SPEC)) {
      return null;
    }
    Field selectorField = spec.get("selector");
    Map<String, String> selector = Labels.read(selectorField);
    if (!selectorField.present() || (selectorField.json().isObject() && selectorField.json().isEmpty())) {
      selectorField.warning("selector is empty, so this Gateway applies to every gateway; select "
          + "one, e.g. selector: {istio: ingressgateway}");
    }
    Field serversField = spec.get("servers");
    List<Server> servers = new ArrayList<>();
    if (!serversField.present() || (serversField.json().isArray() && serversField.json().isEmpty())) {
      serversField.error("a Gateway needs at least one server (a port and the hosts it accepts)");
    }
    Set<String> portNames = new HashSet<>();
    for (Field item : serversField.items()) {
      Server server = server(item, portNames);
      if (server != null) {
        servers.add(server);
      }
    }
    return new GatewaySpec(selector, servers);
  }

  private static Server server(Field f, Set<String> portNames) {
    if (!f.object(SERVER)) {
      if (!f.present()) {
        f.error("is empty; a server needs a port and hosts");
      }
      return null;
    }
    GatewayPort port = port(f.get("port"), portNames);
    if (!f.has("port")) {
      f.get("port").error("is required, e.g. port: {number: 80, name: http, protocol: HTTP}");
    }
    Field hostsField = f.get("hosts");
    List<String> hosts = new ArrayList<>();
    if (!hostsField.present() || (hostsField.json().isArray() && hostsField.json().isEmpty())) {
      hostsField.error("a server needs at least one host, e.g. hosts: [api.example.com]");
    }
    for (Field item : hostsField.items()) {
      String host = item.string();
      if (host == null) {
        continue;
      }
      host = host.toLowerCase(Locale.ROOT);
      String problem = Hosts.gatewayServerHostProblem(host);
      if (problem != null) {
        item.error(problem);
        continue;
      }
      int slash = host.indexOf('/');
      hosts.add(host.substring(0, slash + 1) + Hosts.withoutTrailingDot(host.substring(slash + 1)));
    }
    String name = f.get("name").string();
    ServerTLSSettings tls = f.has("tls") ? tls(f.get("tls")) : null;
    if (port != null && port.protocol().equals("HTTPS")) {
      if (!f.has("tls")) {
        // As Istio: an HTTPS server without TLS settings is invalid.
        f.get("tls").error("an HTTPS server needs TLS settings, e.g. tls: {mode: SIMPLE, credentialName: "
            + "my-cert}");
      } else if (tls != null && !tls.terminates()) {
        f.get("tls").get("mode").warning(tls.mode() + " is not supported by Inboard's gateway (it terminates "
            + "TLS itself, with SIMPLE, MUTUAL or OPTIONAL_MUTUAL" + notSupportedBecause(tls.mode())
            + "); this server is ignored");
      }
    } else if (port != null && tls != null && f.get("tls").has("mode")) {
      f.get("tls").get("mode").warning("applies to HTTPS servers only; on a " + port.protocol()
          + " server only httpsRedirect is read");
    }
    return port == null ? null : new Server(port, hosts, name, tls);
  }

  private static String notSupportedBecause(String mode) {
    return switch (mode) {
      case "PASSTHROUGH", "AUTO_PASSTHROUGH" -> "; passing the client's TLS through to the instance needs a TCP "
          + "proxy routing by SNI, and the gateway proxies HTTP";
      case "ISTIO_MUTUAL" -> "; Istio's own workload certificates come from istiod, which Inboard does not have";
      default -> "";
    };
  }

  /** Reads a server's {@code tls}, checking what Istio checks; {@code null} when it is not an object. */
  private static ServerTLSSettings tls(Field f) {
    if (!f.object(TLS)) {
      return null;
    }
    Boolean redirect = f.get("httpsRedirect").bool();
    String mode = oneOf(f.get("mode"), MODES);
    String certificate = f.get("serverCertificate").nonEmptyString();
    String key = f.get("privateKey").nonEmptyString();
    String ca = f.get("caCertificates").nonEmptyString();
    String credential = f.get("credentialName").nonEmptyString();
    Field minField = f.get("minProtocolVersion");
    String min = oneOf(minField, VERSIONS);
    String max = oneOf(f.get("maxProtocolVersion"), VERSIONS);
    if (min != null && max != null && !max.equals("TLS_AUTO") && VERSIONS.indexOf(min) > VERSIONS.indexOf(max)) {
      minField.error(min + " is above maxProtocolVersion " + max + "; lower it or raise the maximum");
    }
    if (min != null && (min.equals("TLSV1_0") || min.equals("TLSV1_1"))) {
      minField.warning(min + " is disabled in the JVM by default (jdk.tls.disabledAlgorithms), so clients "
          + "need TLS 1.2 or newer all the same");
    }
    String effectiveMode = mode == null ? ServerTLSSettings.PASSTHROUGH : mode;
    boolean terminates = List.of("SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL").contains(effectiveMode);
    if (effectiveMode.equals("ISTIO_MUTUAL") && credential != null) {
      f.get("credentialName").error("ISTIO_MUTUAL uses Istio's own certificates and cannot have a credentialName; "
          + "use mode MUTUAL with this credential");
    }
    if (terminates && credential == null) {
      // As Istio: without a credentialName the certificate files are required.
      if (certificate == null) {
        f.get("serverCertificate").error(effectiveMode + " TLS needs a server certificate: give serverCertificate "
            + "(a PEM file, e.g. /etc/istio/certs/tls.crt) or credentialName");
      }
      if (key == null) {
        f.get("privateKey").error(effectiveMode + " TLS needs a private key: give privateKey (a PEM file, e.g. "
            + "/etc/istio/certs/tls.key) or credentialName");
      }
      if (!effectiveMode.equals("SIMPLE") && ca == null) {
        f.get("caCertificates").error(effectiveMode + " TLS needs caCertificates (a PEM file of the CAs that "
            + "sign client certificates) or credentialName");
      }
    }
    List<String> ciphers = new ArrayList<>();
    for (Field item : f.get("cipherSuites").items()) {
      String suite = item.string();
      if (suite == null) {
        continue;
      }
      if (CipherSuites.jdkName(suite) == null) {
        // Istio warns about and drops a cipher suite it does not know, so does Inboard.
        item.warning("'" + suite + "' is not a cipher suite Envoy knows; ignored (write e.g. "
            + "ECDHE-RSA-AES128-GCM-SHA256)");
      } else if (ciphers.contains(suite)) {
        item.warning("'" + suite + "' is listed twice; ignored");
      } else {
        ciphers.add(suite);
      }
    }
    ClientChecks checks = clientChecks(f, effectiveMode, credential);
    return new ServerTLSSettings(Boolean.TRUE.equals(redirect), effectiveMode, certificate, key, ca, credential,
        min, max, ciphers, checks.subjectAltNames, checks.spki, checks.hashes, checks.crl);
  }

  private record ClientChecks(List<String> subjectAltNames, List<String> spki, List<String> hashes, String crl) {}

  /**
   * The checks of a client's certificate: Istio's {@code subjectAltNames}, {@code verifyCertificateSpki},
   * {@code verifyCertificateHash} and {@code caCrl}, which mean something only when the server asks
   * clients for a certificate.
   */
  private static ClientChecks clientChecks(Field f, String mode, String credential) {
    List<String> sans = strings(f.get("subjectAltNames"));
    List<String> spki = new ArrayList<>();
    for (Field item : f.get("verifyCertificateSpki").items()) {
      String digest = item.nonEmptyString();
      if (digest != null && CertificatePins.spki(digest) == null) {
        item.error("'" + digest + "' is not a base64 SHA-256 digest of a public key (32 bytes); make it with "
            + "openssl x509 -in CERT -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 "
            + "-binary | base64");
      } else if (digest != null) {
        spki.add(digest);
      }
    }
    List<String> hashes = new ArrayList<>();
    for (Field item : f.get("verifyCertificateHash").items()) {
      String digest = item.nonEmptyString();
      if (digest != null && CertificatePins.hash(digest) == null) {
        item.error("'" + digest + "' is not a hex SHA-256 digest of a certificate (64 hex digits, colons "
            + "allowed); make it with openssl x509 -in CERT -noout -fingerprint -sha256");
      } else if (digest != null) {
        hashes.add(digest);
      }
    }
    String crl = f.get("caCrl").nonEmptyString();
    if (crl != null && credential != null) {
      f.get("caCrl").error("cannot be given with credentialName '" + credential + "': the secret holds the "
          + "revocation list itself (as ca.crl); remove caCrl, or put the list in the secret");
    }
    boolean asksForCertificates = mode.equals(ServerTLSSettings.MUTUAL) || mode.equals(ServerTLSSettings.OPTIONAL_MUTUAL);
    if (!asksForCertificates) {
      for (String name : List.of("subjectAltNames", "verifyCertificateSpki", "verifyCertificateHash", "caCrl")) {
        if (f.has(name)) {
          f.get(name).warning("checks the certificate of a client, which only MUTUAL and OPTIONAL_MUTUAL ask for; "
              + "ignored under " + mode);
        }
      }
    }
    return new ClientChecks(sans, spki, hashes, credential != null ? null : crl);
  }

  private static List<String> strings(Field f) {
    List<String> out = new ArrayList<>();
    for (Field item : f.items()) {
      String text = item.nonEmptyString();
      if (text != null) {
        out.add(text);
      }
    }
    return out;
  }

  /** The field's text, upper-case, when it is one of {@code values}; else an error and {@code null}. */
  private static String oneOf(Field f, List<String> values) {
    String text = f.string();
    if (text == null) {
      return null;
    }
    String upper = text.toUpperCase(Locale.ROOT);
    if (!values.contains(upper)) {
      f.error("'" + text + "' is not one of " + String.join(", ", values));
      return null;
    }
    return upper;
  }

  private static GatewayPort port(Field f, Set<String> portNames) {
    if (!f.object(PORT)) {
      return null;
    }
    Field numberField = f.get("number");
    Integer number = numberField.integer(1, 65535);
    if (!numberField.present()) {
      numberField.error("is required, e.g. number: 80");
    }
    Field nameField = f.get("name");
    String name = nameField.string();
    if (!nameField.present()) {
      nameField.error("is required, e.g. name: http");
    } else if (name != null && !portNames.add(name)) {
      nameField.error("duplicate port name '" + name + "'; each server's port needs its own name");
    }
    Field protocolField = f.get("protocol");
    String protocol = protocolField.string();
    if (!protocolField.present()) {
      protocolField.error("is required, e.g. protocol: HTTP");
    } else if (protocol != null) {
      String upper = protocol.toUpperCase(Locale.ROOT);
      if (!PROTOCOLS.contains(upper)) {
        protocolField.error("'" + protocol + "' is not a protocol; use HTTP, HTTPS, HTTP2, GRPC, "
            + "GRPC-WEB, TCP, TLS, MONGO, REDIS or MYSQL");
        protocol = null;
      } else {
        if (!SERVED.contains(upper)) {
          protocolField.warning(upper + " is not supported by Inboard's gateway yet; this server is "
              + "ignored (only HTTP, HTTP2, GRPC and HTTPS are served)");
        }
        protocol = upper;
      }
    }
    return number == null || protocol == null ? null : new GatewayPort(number, name, protocol);
  }
}
