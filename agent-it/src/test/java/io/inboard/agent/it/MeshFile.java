package io.inboard.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A standalone rules file for the agent ({@code inboard.config}): a scenario's Istio documents, as
 * written, plus a {@code kind: Instances} document with the echo servers.
 */
final class MeshFile {
  private final StringBuilder text = new StringBuilder();

  /** Starts from scenario {@code name} of {@code src/test/resources/scenarios}. */
  static MeshFile scenario(String name) throws IOException {
    MeshFile file = new MeshFile();
    try (InputStream in = MeshFile.class.getResourceAsStream("/scenarios/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no scenario " + name + " in src/test/resources/scenarios");
      }
      file.text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    return file;
  }

  static MeshFile empty() {
    return new MeshFile();
  }

  /** Appends more YAML documents. */
  MeshFile with(String yaml) {
    separate();
    text.append(yaml);
    return this;
  }

  /** Appends the instances document; each echo server is an instance of {@code service}. */
  MeshFile instances(String service, String namespace, EchoServer... servers) {
    separate();
    text.append("kind: Instances\ninstances:\n");
    for (EchoServer server : servers) {
      text.append("- id: ")
          .append(server.instance)
          .append("\n  service: ")
          .append(service)
          .append("\n  namespace: ")
          .append(namespace)
          .append("\n  address: 127.0.0.1\n  port: ")
          .append(server.port())
          .append("\n  labels: {app: ")
          .append(service)
          .append(", version: ")
          .append(server.version)
          .append("}\n");
    }
    return this;
  }

  /** Appends an instances document for a forked service. */
  MeshFile instance(String id, String service, String namespace, int port, String version) {
    separate();
    text.append("kind: Instances\ninstances:\n- id: ")
        .append(id)
        .append("\n  service: ")
        .append(service)
        .append("\n  namespace: ")
        .append(namespace)
        .append("\n  address: 127.0.0.1\n  port: ")
        .append(port)
        .append("\n  labels: {app: ")
        .append(service)
        .append(", version: ")
        .append(version)
        .append("}\n");
    return this;
  }

  String text() {
    return text.toString();
  }

  Path write(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    Files.writeString(file, text.toString());
    return file;
  }

  private void separate() {
    if (text.length() > 0) {
      if (text.charAt(text.length() - 1) != '\n') {
        text.append('\n');
      }
      text.append("---\n");
    }
  }
}
