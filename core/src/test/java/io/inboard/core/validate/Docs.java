package io.inboard.core.validate;

import io.inboard.core.diag.Diagnostic;
import io.inboard.core.model.Resource;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ResourceParser;
import java.util.List;
import java.util.stream.Collectors;

/** Builds small test documents around a spec, and reads back what the parser said about them. */
final class Docs {
  private Docs() {}

  static String vs(String spec) {
    return document("VirtualService", "reviews", spec);
  }

  static String dr(String spec) {
    return document("DestinationRule", "reviews", spec);
  }

  static String gw(String spec) {
    return document("Gateway", "edge", spec);
  }

  static String document(String kind, String name, String spec) {
    return "apiVersion: networking.istio.io/v1\n"
        + "kind: " + kind + "\n"
        + "metadata:\n"
        + "  name: " + name + "\n"
        + "  namespace: shop\n"
        + "spec:\n"
        + spec.lines().map(l -> "  " + l).collect(Collectors.joining("\n")) + "\n";
  }

  /** {@code path: message} of every error. */
  static List<String> errors(String yaml) {
    return lines(ResourceParser.parse(yaml), true);
  }

  /** {@code path: message} of every warning. */
  static List<String> warnings(String yaml) {
    return lines(ResourceParser.parse(yaml), false);
  }

  static List<String> lines(ParseResult result, boolean errors) {
    return result.diagnostics().stream()
        .filter(d -> d.isError() == errors)
        .map(d -> d.path() + ": " + d.message())
        .toList();
  }

  /** The single resource of a valid document; fails with the diagnostics otherwise. */
  @SuppressWarnings("unchecked")
  static <T extends Resource> T valid(String yaml) {
    ParseResult result = ResourceParser.parse(yaml);
    if (result.hasErrors() || result.resources().size() != 1) {
      throw new AssertionError("expected one valid resource, got: "
          + result.diagnostics().stream().map(Diagnostic::toString).toList());
    }
    return (T) result.resources().get(0).resource();
  }
}
