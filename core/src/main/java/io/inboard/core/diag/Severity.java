package io.inboard.core.diag;

/** How bad a {@link Diagnostic} is: an error refuses the input, a warning only informs. */
public enum Severity {
  ERROR,
  WARNING
}
