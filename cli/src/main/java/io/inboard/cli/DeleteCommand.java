package io.inboard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inboardctl delete KIND NAME -n NS}. */
@Command(name = "delete", description = "Delete a resource from the config server.")
final class DeleteCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "KIND",
      description = "virtualservice(s)|vs, destinationrule(s)|dr, gateway(s)|gw")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default",
      description = "Namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Mixin ServerConnection server;

  @Override
  public Integer call() {
    return Online.run(() -> {
      String plural = Kinds.plural(kind);
      server.client().delete(plural, namespace, name);
      System.out.println(Kinds.singular(plural) + " " + namespace + "/" + name + " deleted");
      System.out.flush();
      return 0;
    });
  }
}
