package io.inboard.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with {@code openssl} (as an operator makes them): a CA, etcd's
 * server certificate for 127.0.0.1 issued by it, a client certificate (EC, PKCS#8) issued by it,
 * and a second CA that issued nothing etcd presents.
 */
record TestCertificates(Path ca, Path caKey, Path etcdCert, Path etcdKey, Path clientCert, Path clientKey, Path otherCa) {

  static TestCertificates create(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path ext = dir.resolve("ext.cnf");
    // etcd's JSON gateway dials etcd's own gRPC port with the server certificate, so under
    // --client-cert-auth that certificate must be good for client authentication too.
    Files.writeString(ext, String.join("\n",
        "[server]", "subjectAltName=IP:127.0.0.1", "extendedKeyUsage=serverAuth,clientAuth",
        "[client]", "extendedKeyUsage=clientAuth", ""));
    TestCertificates c = new TestCertificates(dir.resolve("ca.pem"), dir.resolve("ca.key"), dir.resolve("etcd.pem"),
        dir.resolve("etcd.key"), dir.resolve("client.pem"), dir.resolve("client.key"), dir.resolve("other-ca.pem"));
    selfSigned(dir, "inboard-test-ca", c.ca, c.caKey);
    selfSigned(dir, "someone-else-ca", c.otherCa, dir.resolve("other-ca.key"));
    issue(dir, "etcd", "rsa:2048", c.etcdCert, c.etcdKey, c, ext, "server");
    issue(dir, "inboard-config-server", "ec", c.clientCert, c.clientKey, c, ext, "client");
    return c;
  }

  private static void selfSigned(Path dir, String cn, Path cert, Path key) throws IOException, InterruptedException {
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
        "-days", "2", "-subj", "/CN=" + cn);
  }

  private static void issue(Path dir, String cn, String keyType, Path cert, Path key, TestCertificates c, Path ext,
      String section) throws IOException, InterruptedException {
    Path csr = dir.resolve(cn + ".csr");
    List<String> req = new ArrayList<>(List.of("req", "-newkey", keyType));
    if (keyType.equals("ec")) {
      req.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
    }
    req.addAll(List.of("-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn));
    openssl(dir, req.toArray(new String[0]));
    openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", c.ca.toString(), "-CAkey", c.caKey.toString(),
        "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString(), "-extensions", section);
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Files.isExecutable(Path.of("/usr/bin/openssl")) ? "/usr/bin/openssl" : "openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + out);
    }
  }

  /** The TLS settings a config server (or a test's own client) uses with these files. */
  EtcdTls.Files clientFiles() {
    return new EtcdTls.Files(new Setting("--etcd-ca-file", ca.toString()),
        new Setting("--etcd-cert-file", clientCert.toString()), new Setting("--etcd-key-file", clientKey.toString()));
  }

  /** The server options for them. */
  List<String> serverArgs() {
    return List.of("--etcd-ca-file", ca.toString(), "--etcd-cert-file", clientCert.toString(), "--etcd-key-file",
        clientKey.toString());
  }
}
