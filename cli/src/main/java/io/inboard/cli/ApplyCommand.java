package io.inboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code inboardctl apply -f FILE...}: sends the resources of every file to the config server as
 * one all-or-nothing apply, and prints what happened to each resource. A resource defined in
 * several files is sent once, as the last file defines it (what {@code validate} says: "applied
 * together, this one replaces it").
 */
@Command(
    name = "apply",
    description = {
      "Apply resources to the config server, all or nothing.",
      "Every resource of every file is sent as one apply: if any is invalid, none is stored.",
      "A resource defined in several files is sent as the last of them defines it."
    })
final class ApplyCommand implements Callable<Integer> {
  @Mixin ResourceFilesOption files;

  @Mixin ServerConnection server;

  @Override
  public Integer call() {
    return Online.run(() -> {
      ResourceFiles.Loaded loaded = files.load();
      if (loaded.printErrors("nothing was applied")) {
        return Online.EXIT_REFUSED;
      }
      loaded.replacements().forEach(System.err::println);
      JsonNode result = server.client().apply(body(loaded));
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

  /**
   * The apply body: a JSON array of the resources' documents as written (with YAML anchors
   * expanded), which the config server reads whatever mix of YAML and JSON files they came from.
   */
  static String body(ResourceFiles.Loaded loaded) {
    ArrayNode array = Online.JSON.createArrayNode();
    loaded.resources().forEach(r -> array.add(r.source()));
    return array.toString();
  }
}
