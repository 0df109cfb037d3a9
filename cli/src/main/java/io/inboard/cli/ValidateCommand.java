package io.inboard.cli;

import io.inboard.core.diag.Diagnostic;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.validate.Analyzer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
      description = "Resource file(s) to validate; '-' reads standard input.")
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
        instances = InstancesFile.parse(new String(read(instancesFile), StandardCharsets.UTF_8));
      } catch (IOException e) {
        err.println("inboardctl validate: cannot read instances file " + instancesFile + ": "
            + describe(e));
        err.flush();
        return Inboardctl.EXIT_USAGE;
      } catch (IllegalArgumentException e) {
        err.println("inboardctl validate: " + instancesFile + ": " + e.getMessage());
        err.flush();
        return Inboardctl.EXIT_USAGE;
      }
    }

    List<Diagnostic> diagnostics = new ArrayList<>();
    List<ParsedResource> all = new ArrayList<>();
    Map<String, String> definedIn = new HashMap<>();
    boolean several = files.size() > 1;
    for (String file : files) {
      byte[] bytes;
      try {
        bytes = read(file);
      } catch (IOException e) {
        err.println("inboardctl validate: cannot read " + file + ": " + describe(e));
        err.flush();
        return Inboardctl.EXIT_USAGE;
      }
      String source = several ? file : "";
      ParseResult result = ResourceParser.parse(bytes, source);
      diagnostics.addAll(result.diagnostics());
      for (ParsedResource r : result.resources()) {
        // The same resource in two files is not an error: applied one after the other, the
        // later replaces the earlier (as kubectl apply would). Say so, and analyze the later.
        String key = r.resource().kind() + " " + r.resource().key();
        String first = definedIn.put(key, file);
        if (first != null) {
          diagnostics.add(Diagnostic.warning((source.isEmpty() ? "" : source + " ") + key,
              "metadata.name", "also defined in " + first + "; applied together, this one "
                  + "replaces it"));
          all.removeIf(other -> (other.resource().kind() + " " + other.resource().key()).equals(key));
        }
        all.add(r);
      }
    }
    diagnostics.addAll(Analyzer.analyze(all, instances));

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

  private static byte[] read(String file) throws IOException {
    if (file.equals("-")) {
      return System.in.readAllBytes();
    }
    Path path = Path.of(file);
    if (Files.isDirectory(path)) {
      throw new IOException("it is a directory; name the files in it (e.g. -f dir/*.yaml)");
    }
    return Files.readAllBytes(path);
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
