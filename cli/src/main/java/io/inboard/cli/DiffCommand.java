package io.inboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.controlplane.ConfigServerClient;
import io.inboard.core.controlplane.ConfigServerException;
import io.inboard.core.parse.ParsedResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code inboardctl diff -f FILE...}: what {@code apply} of the same files would change in the
 * config server, field by field, without changing anything: for review before an apply, or in a
 * pipeline that checks the stored rules are the ones in the repository. Exit codes as
 * {@code diff}'s and {@code kubectl diff}'s: 0 nothing would change, 1 something would, 2 an error
 * (files that cannot be read or are invalid, a server that cannot be reached or refuses).
 */
@Command(
    name = "diff",
    description = {
      "Show what apply of the files would change in the config server; change nothing.",
      "Compares each resource's labels, annotations and spec with the stored one.",
      "Exit 0: nothing would change; 1: something would; 2: error."
    })
final class DiffCommand implements Callable<Integer> {
  static final int EXIT_DIFFERENT = 1;

  @Mixin ResourceFilesOption files;

  @Mixin ServerConnection server;

  @Override
  public Integer call() {
    try {
      ResourceFiles.Loaded loaded = files.load();
      if (loaded.printErrors("apply would store nothing")) {
        return Inboardctl.EXIT_USAGE;
      }
      loaded.replacements().forEach(System.err::println);
      ConfigServerClient client = server.client();
      int differing = 0;
      for (ParsedResource r : loaded.resources()) {
        if (!report(client, r)) {
          differing++;
        }
      }
      int total = loaded.resources().size();
      System.out.flush();
      System.err.println(differing == 0 ? "no difference: the server holds all " + total + " resources as written"
          : differing + " of " + total + " resources would change");
      return differing == 0 ? 0 : EXIT_DIFFERENT;
    } catch (ConfigServerException e) {
      System.err.println("error: " + e.error());
      e.details().forEach(d -> System.err.println("  " + d));
      return Inboardctl.EXIT_USAGE;
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return Inboardctl.EXIT_USAGE;
    }
  }

  /** Prints one resource's differences; whether it is stored as written. */
  private static boolean report(ConfigServerClient client, ParsedResource r) throws IOException {
    String kind = r.resource().kind().toLowerCase(Locale.ROOT);
    String namespace = r.resource().metadata().namespace();
    String name = r.resource().metadata().name();
    String label = kind + " " + namespace + "/" + name;
    JsonNode stored;
    try {
      stored = client.get(kind + "s", namespace, name);
    } catch (ConfigServerException e) {
      if (e.status() != 404) {
        throw e;
      }
      System.out.println(label + " would be created");
      return false;
    }
    List<FieldDiff.Change> changes = FieldDiff.between("", compared(stored), compared(r.source()));
    if (changes.isEmpty()) {
      System.out.println(label + " unchanged");
      return true;
    }
    System.out.println(label + " would change:");
    changes.forEach(c -> System.out.println("  " + c));
    return false;
  }

  /**
   * What an apply writes of a document: its labels, annotations and spec. The rest of the stored
   * metadata (resourceVersion, generation, the time it was stored) is the server's own.
   */
  private static ObjectNode compared(JsonNode document) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    JsonNode metadata = document.path("metadata");
    List<String> kept = new ArrayList<>(List.of("labels", "annotations"));
    ObjectNode meta = out.putObject("metadata");
    for (String field : kept) {
      JsonNode value = metadata.path(field);
      if (!value.isMissingNode() && !value.isNull() && !(value.isObject() && value.isEmpty())) {
        meta.set(field, value);
      }
    }
    if (meta.isEmpty()) {
      out.remove("metadata");
    }
    JsonNode spec = document.path("spec");
    if (!spec.isMissingNode()) {
      out.set("spec", spec);
    }
    return out;
  }
}
