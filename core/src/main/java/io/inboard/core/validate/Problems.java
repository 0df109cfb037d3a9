package io.inboard.core.validate;

import io.inboard.core.diag.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/** Collects every diagnostic found in one document, each tagged with the document's label. */
final class Problems {
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private String resource;

  Problems(String resource) {
    this.resource = resource;
  }

  /** Relabels the document once its kind and name are known. */
  void resource(String label) {
    this.resource = label;
  }

  String resource() {
    return resource;
  }

  void error(String path, String message) {
    diagnostics.add(Diagnostic.error(resource, path, message));
  }

  void warning(String path, String message) {
    diagnostics.add(Diagnostic.warning(resource, path, message));
  }

  /** How many errors so far: a reader compares two counts to learn whether a part of its own had any. */
  int errorCount() {
    return (int) diagnostics.stream().filter(Diagnostic::isError).count();
  }

  boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }

  List<Diagnostic> all() {
    return List.copyOf(diagnostics);
  }
}
