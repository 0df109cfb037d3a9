package io.inboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code inboardctl apply -f FILE...}: sends every document of every file to the config server
 * as one all-or-nothing apply, and prints what happened to each resource.
 */
@Command(
    name = "apply",
    description = {
      "Apply resources to the config server, all or nothing.",
      "Every document of every file is sent as one apply: if any is invalid, none is stored."
    })
final class ApplyCommand implements Callable<Integer> {
  @Option(names = {"-f", "--filename"}, required = true, arity = "1..*", paramLabel = "FILE",
      description = "YAML or JSON file (a directory: its *.yaml, *.yml, *.json; '-': standard input).")
  List<String> files;

  @Mixin ServerConnection server;

  @Override
  public Integer call() {
    return Online.run(() -> {
      String body = read(files);
      JsonNode result = server.client().apply(body);
      for (JsonNode r : result.path("resources")) {
        System.out.println(r.path("kind").asText().toLowerCase(Locale.ROOT) + " " + r.path("namespace").asText()
            + "/" + r.path("name").asText() + " " + r.path("action").asText());
      }
      for (JsonNode w : result.path("warnings")) {
        System.err.println("WARNING " + (w.path("resource").asText() + " " + w.path("path").asText()).trim() + ": "
            + w.path("message").asText());
      }
      System.out.flush();
      return 0;
    });
  }

  /** All documents of all files, joined into one multi-document YAML text (JSON is YAML too). */
  static String read(List<String> names) throws IOException {
    List<String> texts = new ArrayList<>();
    for (String name : names) {
      if (name.equals("-")) {
        texts.add(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
        continue;
      }
      Path p = Path.of(name);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path f : s.filter(ApplyCommand::isResourceFile).sorted().toList()) {
            texts.add(readFile(f));
          }
        }
      } else {
        texts.add(readFile(p));
      }
    }
    return String.join("\n---\n", texts);
  }

  private static boolean isResourceFile(Path p) {
    String n = p.getFileName().toString();
    return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
  }

  private static String readFile(Path p) throws IOException {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException(p + " is not UTF-8 text");
    } catch (IOException e) {
      throw new IOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
