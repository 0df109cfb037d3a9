package io.inboard.cli;

import io.inboard.core.diag.Diagnostic;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.validate.Analyzer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code inboardctl validate -f FILE... [--instances FILE]}: checks resource files offline, all of
 * them together, and prints every problem as {@code ERROR path: message} or
 * {@code WARNING path: message}. Exit 0 when valid, 1 when not, 2 on bad usage or unreadable input.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate Istio resource files (YAML or JSON) offline, all files together.",
      "Prints one line per problem, then a summary. Exit 0 valid, 1 invalid, 2 bad usage or"
          + " unreadable file."
    })
final class ValidateCommand implements Callable<Integer> {
  static final int EXIT_VALID = 0;
  static final int EXIT_INVALID = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      arity = "1..*",
      paramLabel = "FILE",
      description = "Resource file(s) to validate; a directory stands for its *.yaml, *.yml and *.json"
          + " files, as for apply; '-' reads standard input.")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--instances",
      paramLabel = "FILE",
      description = "YAML list of {id, service, namespace, address, port, labels}; enables the "
          + "warnings about subsets and hosts without instances.")
  String instancesFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Instance> instances = null;
    if (instancesFile != null) {
      try {
        instances = InstancesFile.parse(ResourceFiles.read(instancesFile));
      } catch (IOException e) {
        err.println("inboardctl validate: --instances: " + e.getMessage());
        err.flush();
        return Inboardctl.EXIT_USAGE;
      } catch (IllegalArgumentException e) {
        err.println("inboardctl validate: " + instancesFile + ": " + e.getMessage());
        err.flush();
        return Inboardctl.EXIT_USAGE;
      }
    }

    ResourceFiles.Loaded loaded;
    try {
      // A directory stands for its resource files, as for apply: what validate checks is what
      // apply would send.
      loaded = ResourceFiles.parse(ResourceFiles.readAll(files, true));
    } catch (IOException e) {
      err.println("inboardctl validate: " + e.getMessage());
      err.flush();
      return Inboardctl.EXIT_USAGE;
    }
    // The same resource in two files is not an error: applied one after the other, the later
    // replaces the earlier (as kubectl apply would). The warning says so; the later is analyzed.
    List<Diagnostic> diagnostics = new ArrayList<>(loaded.diagnostics());
    List<ParsedResource> all = loaded.resources();
    diagnostics.addAll(Analyzer.analyze(all, instances));
    if (all.size() > ResourceParser.MAX_DOCUMENTS) {
      // Valid, but not as one apply: the config server takes at most this many per request.
      diagnostics.add(Diagnostic.warning("", "", all.size() + " resources: more than the "
          + ResourceParser.MAX_DOCUMENTS + " one apply takes; inboardctl apply them in several parts"));
    }

    long errors = diagnostics.stream().filter(Diagnostic::isError).count();
    long warnings = diagnostics.size() - errors;
    diagnostics.forEach(out::println);
    String files = this.files.size() == 1 ? "1 file" : this.files.size() + " files";
    if (errors > 0) {
      out.println("invalid: " + count(errors, "error") + ", " + count(warnings, "warning")
          + " in " + files);
    } else {
      out.println("valid: " + count(all.size(), "resource") + " in " + files
          + (warnings > 0 ? ", " + count(warnings, "warning") : ""));
    }
    out.flush();
    return errors > 0 ? EXIT_INVALID : EXIT_VALID;
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
