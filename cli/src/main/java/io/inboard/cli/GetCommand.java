package io.inboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inboardctl get KIND [NAME] [-n NS] [-o yaml|json]}: reads stored resources. */
@Command(name = "get", description = "Show resources stored in the config server.")
final class GetCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "KIND",
      description = "virtualservice(s)|vs, destinationrule(s)|dr, gateway(s)|gw")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "One resource; all when absent.")
  String name;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "Namespace (default: 'default' with NAME, every namespace without).")
  String namespace;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      description = "yaml or json (default: yaml for one resource, a table for a list).")
  String output;

  @Mixin ServerConnection server;

  @Override
  public Integer call() {
    return Online.run(() -> {
      String plural = Kinds.plural(kind);
      if (output != null && !output.equals("yaml") && !output.equals("json")) {
        throw new IllegalArgumentException("-o '" + output + "': use yaml or json");
      }
      if (name != null) {
        JsonNode doc = server.client().get(plural, namespace == null ? "default" : namespace, name);
        System.out.print("json".equals(output) ? Online.json(doc) + "\n" : Online.yaml(doc));
      } else {
        JsonNode list = server.client().list(plural, namespace);
        printList(list);
      }
      System.out.flush();
      return 0;
    });
  }

  private void printList(JsonNode list) throws java.io.IOException {
    if ("json".equals(output)) {
      System.out.println(Online.json(list));
      return;
    }
    if ("yaml".equals(output)) {
      boolean first = true;
      for (JsonNode item : list.path("items")) {
        if (!first) {
          System.out.println("---");
        }
        System.out.print(Online.yaml(item));
        first = false;
      }
      return;
    }
    if (list.path("items").isEmpty()) {
      System.err.println("no " + Kinds.plural(kind) + " found" + (namespace == null ? "" : " in namespace " + namespace));
      return;
    }
    System.out.printf("%-24s %-40s %s%n", "NAMESPACE", "NAME", "RESOURCEVERSION");
    for (JsonNode item : list.path("items")) {
      JsonNode m = item.path("metadata");
      System.out.printf("%-24s %-40s %s%n", m.path("namespace").asText(), m.path("name").asText(),
          m.path("resourceVersion").asText());
    }
  }
}
