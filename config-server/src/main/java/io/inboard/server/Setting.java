package io.inboard.server;

/**
 * A setting's value and where it came from — the option or the environment variable — so that an
 * error names what the user actually wrote.
 */
record Setting(String source, String value) {
  /** The option's value if given, else the variable's, else {@code null}. */
  static Setting of(String option, String optionValue, java.util.Map<String, String> env, String variable) {
    if (optionValue != null) {
      return new Setting(option, optionValue);
    }
    String v = env.get(variable);
    return v == null ? null : new Setting(variable, v);
  }

  @Override
  public String toString() {
    return source + " " + value;
  }
}
