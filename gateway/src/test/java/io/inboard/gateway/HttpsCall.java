package io.inboard.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 request over TLS to 127.0.0.1 with the SNI and {@code Host} a test chooses, as a
 * client resolving {@code shop.example.com} to the gateway would send it; the answer keeps the
 * certificate the gateway presented. The server's name is not checked against the certificate:
 * which certificate is presented is what the tests look at.
 */
record HttpsCall(int status, Map<String, String> headers, String body, X509Certificate certificate, String protocol) {

  /** @param sni the SNI host name, or {@code null} to send none; {@code protocols} the TLS versions offered, or none for the defaults */
  static HttpsCall get(SSLContext context, int port, String sni, String host, String path, String... protocols)
      throws IOException {
    return get(context, port, sni, host, path, parameters -> {
      if (protocols.length > 0) {
        parameters.setProtocols(protocols);
      }
    });
  }

  /** @param tune sets what the client offers (versions, cipher suites) */
  static HttpsCall get(SSLContext context, int port, String sni, String host, String path, Consumer<SSLParameters> tune)
      throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
      tune.accept(parameters);
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      X509Certificate presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      String protocol = socket.getSession().getProtocol();
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return parse(socket.getInputStream(), presented, protocol);
    }
  }

  private static HttpsCall parse(InputStream in, X509Certificate certificate, String protocol) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("the connection closed before a whole answer came: '" + text + "'");
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(end + 4);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int at = 0;
      while (true) {
        int eol = body.indexOf("\r\n", at);
        int size = Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
        if (size == 0) {
          break;
        }
        out.write(body.substring(eol + 2, eol + 2 + size).getBytes(StandardCharsets.ISO_8859_1));
        at = eol + 2 + size + 2;
      }
      body = out.toString(StandardCharsets.ISO_8859_1);
    }
    return new HttpsCall(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
        certificate, protocol);
  }

  /** The upstream's echo body as {@code name → value}. */
  Map<String, String> echo() {
    return TestClient.echo(body);
  }

  /** The DNS names the presented certificate is for. */
  List<String> certificateHosts() throws Exception {
    return certificate.getSubjectAlternativeNames().stream().map(san -> san.get(1).toString()).toList();
  }
}
