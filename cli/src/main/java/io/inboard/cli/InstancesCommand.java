package io.inboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code inboardctl instances [-n NS] [--service S]}: the live instance leases. */
@Command(name = "instances", description = "List the instances registered with the config server.")
final class InstancesCommand implements Callable<Integer> {
  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only this namespace.")
  String namespace;

  @Option(names = "--service", paramLabel = "S", description = "Only this service.")
  String service;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json (default: a table).")
  String output;

  @Mixin ServerConnection server;

  @Override
  public Integer call() {
    return Online.run(() -> {
      JsonNode list = server.client().instances(namespace, service);
      if ("json".equals(output)) {
        System.out.println(Online.json(list));
      } else if (output != null) {
        throw new IllegalArgumentException("-o '" + output + "': use json");
      } else {
        System.out.printf("%-20s %-16s %-28s %-22s %s%n", "NAMESPACE", "SERVICE", "ID", "ADDRESS", "LABELS");
        for (JsonNode i : list.path("items")) {
          List<String> labels = new ArrayList<>();
          i.path("labels").properties().forEach(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
          System.out.printf("%-20s %-16s %-28s %-22s %s%n", i.path("namespace").asText(), i.path("service").asText(),
              i.path("id").asText(), i.path("address").asText() + ":" + i.path("port").asInt(), String.join(",", labels));
        }
      }
      System.out.flush();
      return 0;
    });
  }
}
