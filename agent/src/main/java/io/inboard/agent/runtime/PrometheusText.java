package io.inboard.agent.runtime;

/**
 * The bits of Prometheus's text exposition format (version 0.0.4) the agent's metrics need:
 * metric family headers, escaped label values and numbers.
 */
final class PrometheusText {
  private PrometheusText() {}

  /** {@code # HELP} and {@code # TYPE} lines of one metric family. */
  static void family(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** Appends {@code name="value"}, escaping backslash, double quote and line feed as the format asks. */
  static StringBuilder label(StringBuilder out, String name, String value) {
    out.append(name).append("=\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    return out.append('"');
  }

  /** A sample value: whole numbers without a fraction, others as Java prints doubles. */
  static StringBuilder number(StringBuilder out, double value) {
    if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
      return out.append((long) value);
    }
    return out.append(value);
  }
}
