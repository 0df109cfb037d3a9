package io.inboard.core.validate;

import io.inboard.core.model.ClientTLSSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a DestinationRule's {@code tls} (Istio's {@code ClientTLSSettings}), top-level, in a subset or a
 * {@code portLevelSettings} entry, with Istio's checks: {@code MUTUAL} needs a client certificate and key
 * unless a {@code credentialName} holds them, a {@code credentialName} excludes the file fields,
 * {@code insecureSkipVerify} excludes what would verify, {@code ISTIO_MUTUAL} takes no certificates.
 */
final class ClientTlsReader {
  private static final Schema TLS = Schema.of("mode", "clientCertificate", "privateKey", "caCertificates",
      "credentialName", "subjectAltNames", "sni", "insecureSkipVerify", "caCrl");
  private static final List<String> MODES = List.of(ClientTLSSettings.DISABLE, ClientTLSSettings.SIMPLE,
      ClientTLSSettings.MUTUAL, ClientTLSSettings.ISTIO_MUTUAL);
  private static final List<String> FILES = List.of("clientCertificate", "privateKey", "caCertificates", "caCrl");
  /** Why an agent leaves {@code tls} alone. */
  static final String AGENTS = "applied by the gateway only, which opens TLS to the instances itself; an agent "
      + "does not originate TLS (the application's own client opens its connections, plain or TLS as its URL says)";

  private ClientTlsReader() {}

  /** The block, or {@code null} when it is absent or not valid (each problem reported at its field). */
  static ClientTLSSettings read(Field f) {
    if (!f.object(TLS)) {
      return null;
    }
    int errors = f.problems().errorCount();
    Field modeField = f.get("mode");
    String mode = mode(modeField);
    String certificate = f.get("clientCertificate").nonEmptyString();
    String key = f.get("privateKey").nonEmptyString();
    String ca = f.get("caCertificates").nonEmptyString();
    String credential = f.get("credentialName").nonEmptyString();
    String sni = sni(f.get("sni"));
    List<String> sans = subjectAltNames(f.get("subjectAltNames"));
    Boolean insecure = f.get("insecureSkipVerify").bool();
    if (mode == null) {
      return null;
    }
    switch (mode) {
      case ClientTLSSettings.DISABLE -> ignoredUnderDisable(f);
      case ClientTLSSettings.ISTIO_MUTUAL -> istioMutual(f, modeField);
      default -> origination(f, mode, Boolean.TRUE.equals(insecure), credential);
    }
    if (f.problems().errorCount() > errors) {
      return null;
    }
    if (mode.equals(ClientTLSSettings.SIMPLE) && (certificate != null || key != null)) {
      (certificate != null ? f.get("clientCertificate") : f.get("privateKey")).warning("is ignored under SIMPLE, "
          + "which presents no client certificate; use mode: MUTUAL to present one, or remove it");
      certificate = null;
      key = null;
    }
    String crl = f.get("caCrl").nonEmptyString();
    if (!mode.equals(ClientTLSSettings.DISABLE)) {
      f.warning(AGENTS);
    }
    return new ClientTLSSettings(mode, certificate, key, ca, credential, sans, sni, Boolean.TRUE.equals(insecure),
        crl, f.path());
  }

  private static String mode(Field f) {
    if (!f.present()) {
      return ClientTLSSettings.DISABLE; // Istio's default
    }
    String text = f.string();
    if (text == null) {
      return null;
    }
    String upper = text.toUpperCase(Locale.ROOT);
    if (!MODES.contains(upper)) {
      f.error("'" + text + "' is not a TLS mode; use DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL");
      return null;
    }
    return upper;
  }

  /** Istio's checks of {@code SIMPLE} and {@code MUTUAL}. */
  private static void origination(Field f, String mode, boolean insecure, String credential) {
    if (insecure) {
      // As Istio: nothing that verifies the instance's certificate beside insecureSkipVerify.
      List<String> verifying = new ArrayList<>(List.of("caCertificates", "subjectAltNames"));
      if (mode.equals(ClientTLSSettings.SIMPLE)) {
        verifying.add("credentialName"); // under SIMPLE a credential holds only CAs
      }
      for (String name : verifying) {
        if (f.has(name)) {
          f.get(name).error("cannot be given with insecureSkipVerify: true, which skips verifying the instance's "
              + "certificate; remove one of the two");
        }
      }
    }
    if (credential != null) {
      for (String name : FILES) {
        if (f.has(name)) {
          f.get(name).error("cannot be given with credentialName '" + credential + "', which holds the certificates "
              + "itself; remove " + name + ", or remove credentialName to read files");
        }
      }
      return;
    }
    if (mode.equals(ClientTLSSettings.MUTUAL)) {
      if (!f.has("clientCertificate")) {
        f.get("clientCertificate").error("MUTUAL TLS needs a client certificate: give clientCertificate (a PEM "
            + "file, e.g. /etc/certs/client.pem) or credentialName");
      }
      if (!f.has("privateKey")) {
        f.get("privateKey").error("MUTUAL TLS needs the client certificate's private key: give privateKey (a PEM "
            + "file, e.g. /etc/certs/client.key) or credentialName");
      }
    }
  }

  /** {@code ISTIO_MUTUAL} uses istiod's certificates: Istio refuses any of its own, and Inboard cannot originate it. */
  private static void istioMutual(Field f, Field modeField) {
    for (String name : List.of("clientCertificate", "privateKey", "caCertificates", "credentialName", "caCrl")) {
      if (f.has(name)) {
        f.get(name).error("cannot be given under ISTIO_MUTUAL, which uses Istio's own workload certificates; "
            + "use mode: MUTUAL with these certificates, or remove " + name);
      }
    }
    modeField.warning("ISTIO_MUTUAL needs Istio's workload certificates from istiod, which Inboard does not "
        + "have; traffic to this destination stays plain text (use SIMPLE or MUTUAL with your own certificates)");
  }

  private static void ignoredUnderDisable(Field f) {
    for (String name : List.of("clientCertificate", "privateKey", "caCertificates", "credentialName",
        "subjectAltNames", "sni", "insecureSkipVerify", "caCrl")) {
      if (f.has(name)) {
        f.get(name).warning("is ignored under mode DISABLE (plain text, Istio's default mode); set mode: SIMPLE "
            + "or MUTUAL, or remove it");
      }
    }
  }

  private static String sni(Field f) {
    String sni = f.nonEmptyString();
    if (sni == null) {
      return null;
    }
    if (sni.chars().anyMatch(c -> c <= ' ' || c == '/' || c == ':' || c == '*')) {
      f.error("'" + sni + "' is not a server name; SNI is one DNS name, without scheme, port, path or wildcard, "
          + "e.g. sni: api.example.com");
      return null;
    }
    if (sni.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
      f.error("'" + sni + "' is an IP address, which TLS does not send as SNI; give the DNS name the instance "
          + "serves, or remove sni");
      return null;
    }
    return Hosts.withoutTrailingDot(sni.toLowerCase(Locale.ROOT));
  }

  private static List<String> subjectAltNames(Field f) {
    List<String> out = new ArrayList<>();
    for (Field item : f.items()) {
      String name = item.nonEmptyString();
      if (name != null) {
        out.add(name);
      }
    }
    return out;
  }
}
