package io.inboard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.explain.ExplainRequest;
import io.inboard.core.explain.Explainer;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inboardctl explain}: decides a described request offline, against resource files and an
 * instances file, and prints the decision as JSON (or, with {@code --samples}, how N decisions
 * spread). Exit 0 decided, 1 invalid resources, 2 bad usage or unreadable input.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Decide a request against resource files and explain the decision as JSON.",
      "Without --gateway the request is made from the --from workload inside the mesh; with it,"
          + " it arrives at the gateway that Gateway selects, and is decided through the route table"
          + " that gateway merges on its port from every Gateway selecting it, as the gateway decides."
          + " An https:// URL arrives at the HTTPS server its SNI (--sni, else the URL's host) reaches,"
          + " and is decided through that server's own route table.",
      "Example: inboardctl explain -f rules.yaml --instances instances.yaml"
          + " --from traffic-management/frontend -H 'mode: dev' GET http://user/"
    })
final class ExplainCommand implements Callable<Integer> {
  static final int EXIT_DECIDED = 0;
  static final int EXIT_INVALID = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-f", "--filename"}, arity = "1..*", paramLabel = "FILE",
      parameterConsumer = FilesBeforeMethod.class,
      description = "Resource file(s): Istio VirtualService, DestinationRule, Gateway (YAML or JSON);"
          + " a directory stands for its *.yaml, *.yml and *.json files, as for apply."
          + " A resource defined in several files is taken from the last."
          + " The files end at the next option or at METHOD: a word of letters only that names no"
          + " file and is upper-case (GET) or followed by a URL (get http://user/)."
          + " Without -f, --server decides against a live config server.")
  List<String> files = new ArrayList<>();

  /** {@code --server/--token}: without {@code -f}, decide against the config server's live state. */
  @CommandLine.Mixin ServerConnection server;

  @Option(names = "--instances", paramLabel = "FILE",
      description = "YAML list of {id, service, namespace, address, port, labels}.")
  String instancesFile;

  @Option(names = "--from", paramLabel = "NAMESPACE/SERVICE[,k=v...]",
      description = "The calling workload inside the mesh, e.g. traffic-management/frontend,version=v1.")
  String from;

  @Option(names = "--gateway", paramLabel = "NAMESPACE/NAME",
      description = "A Gateway selecting the gateway the request arrives at, e.g. traffic-management/microservice-gateway;"
          + " the gateway is taken to carry that Gateway's selector as its labels.")
  String gateway;

  @Option(names = "--gateway-port", paramLabel = "PORT",
      description = "With --gateway: the gateway port the request arrives on (default: the URL's port if the"
          + " Gateway has a server there, else its first HTTP server's port).")
  Integer gatewayPort;

  @Option(names = "--sni", paramLabel = "NAME",
      description = "With --gateway and an https:// URL: the SNI the client sends, which picks the HTTPS server"
          + " (default: the URL's host; none for an IP address).")
  String sni;

  @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "A request header; repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--samples", paramLabel = "N", defaultValue = "0",
      description = "Decide N times and print counts by status, subset and instance.")
  int samples;

  @Option(names = "--vary-header", paramLabel = "NAME",
      description = "With --samples: give each sample its own value of this header (user-0, user-1, ...).")
  String varyHeader;

  @Parameters(index = "0", paramLabel = "METHOD", description = "The HTTP method, e.g. GET.")
  String method;

  @Parameters(index = "1", paramLabel = "URL", description = "The absolute URL, e.g. http://user/list.")
  String url;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ExplainRequest request = request();
      if (files.isEmpty()) {
        if (!server.isSet()) {
          throw new UsageError("give -f FILE... to explain offline, or --server URL to explain against a config server");
        }
        out.println(io.inboard.core.explain.DecisionJson.pretty(server.client().explain(request.toJson(new ObjectMapper()))));
        out.flush();
        return EXIT_DECIDED;
      }
      List<Instance> instances = List.of();
      if (instancesFile != null) {
        instances = InstancesFile.parse(ResourceFiles.read(instancesFile));
      }
      // As validate says and apply does: a resource defined in several files is the last definition.
      ResourceFiles.Loaded loaded = ResourceFiles.parse(ResourceFiles.readAll(files, true));
      loaded.diagnostics().forEach(err::println);
      if (loaded.hasErrors()) {
        err.println("inboardctl explain: the resources are invalid; fix the errors above (see inboardctl validate)");
        err.flush();
        return EXIT_INVALID;
      }
      List<ParsedResource> resources = loaded.resources();
      ObjectNode json = Explainer.explain(Snapshot.compile(0, resources, instances), request);
      out.println(io.inboard.core.explain.DecisionJson.pretty(json));
      out.flush();
      err.flush();
      return EXIT_DECIDED;
    } catch (UsageError | IllegalArgumentException e) {
      err.println("inboardctl explain: " + e.getMessage());
      err.flush();
      return Inboardctl.EXIT_USAGE;
    } catch (IOException e) {
      err.println("inboardctl explain: " + e.getMessage());
      err.flush();
      return Inboardctl.EXIT_USAGE;
    }
  }

  private ExplainRequest request() {
    if (varyHeader != null && samples <= 0) {
      throw new UsageError("--vary-header needs --samples N (N > 0)");
    }
    if (gateway != null && from != null) {
      throw new UsageError("give either --from (a request inside the mesh) or --gateway (a request at the edge), not both");
    }
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new UsageError("header '" + header + "' must be 'NAME: VALUE', e.g. -H 'mode: dev'");
      }
      h.computeIfAbsent(header.substring(0, colon).trim(), k -> new ArrayList<>()).add(header.substring(colon + 1).trim());
    }
    Workload workload = from == null ? null : ExplainRequest.parseWorkload(from);
    if (gatewayPort != null && gateway == null) {
      throw new UsageError("--gateway-port needs --gateway NAMESPACE/NAME");
    }
    if (sni != null && (gateway == null || !url.regionMatches(true, 0, "https:", 0, 6))) {
      throw new UsageError("--sni needs --gateway NAMESPACE/NAME and an https:// URL: it is the name a TLS client"
          + " sends the gateway");
    }
    ExplainRequest request =
        new ExplainRequest(method, url, h, workload, gateway, samples, varyHeader, gatewayPort, sni);
    io.inboard.core.route.DescribedRequest.of(method, url); // refuses a relative or non-http URL early
    return request;
  }

  /**
   * Takes the files after {@code -f} up to the next option or the METHOD, so that
   * {@code explain -f rules.yaml GET http://user/} reads one file, not three. A word is the METHOD,
   * not a file, when it is letters only, names no existing file, and is either upper-case
   * ({@code GET}) or followed by an absolute URL ({@code get http://user/}).
   */
  static final class FilesBeforeMethod implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(java.util.Stack<String> args, CommandLine.Model.ArgSpec argSpec,
        CommandLine.Model.CommandSpec commandSpec) {
      List<String> files = argSpec.getValue() == null ? new ArrayList<>() : new ArrayList<>(argSpec.getValue());
      if (args.isEmpty()) {
        throw new CommandLine.ParameterException(commandSpec.commandLine(), "-f needs a FILE");
      }
      do {
        files.add(args.pop());
      } while (!args.isEmpty() && !isOption(args.peek()) && !isMethod(args));
      argSpec.setValue(files);
    }

    /** Whether the next argument (the top of the stack) is the METHOD. */
    static boolean isMethod(java.util.Stack<String> args) {
      String word = args.peek();
      if (!word.matches("[A-Za-z]+") || java.nio.file.Files.exists(java.nio.file.Path.of(word))) {
        return false;
      }
      String next = args.size() > 1 ? args.get(args.size() - 2) : "";
      return word.matches("[A-Z]+") || next.matches("(?i)[a-z][a-z0-9+.-]*://.*");
    }

    private static boolean isOption(String arg) {
      return arg.startsWith("-") && arg.length() > 1;
    }
  }

  /** Bad usage found after picocli's own checks. */
  private static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message);
    }
  }
}
