package io.inboard.core.parse;

import io.inboard.core.diag.Diagnostic;
import java.util.List;

/**
 * The outcome of parsing and validating one input (one or more documents): the resources that are
 * valid, and every diagnostic found. When {@link #hasErrors()} the input as a whole must be refused.
 */
public record ParseResult(List<ParsedResource> resources, List<Diagnostic> diagnostics) {
  public ParseResult {
    resources = List.copyOf(resources);
    diagnostics = List.copyOf(diagnostics);
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }
}
