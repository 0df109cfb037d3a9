package io.inboard.bench.harness;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} command-line options of the benchmark programs. */
public final class Args {
  private final Map<String, String> values = new HashMap<>();

  public Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected '--name value' pairs, got '" + args[i] + "' at position " + i
            + " of " + Arrays.toString(args));
      }
      values.put(args[i].substring(2), args[++i]);
    }
  }

  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public String required(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing option --" + name);
    }
    return value;
  }

  public int integer(String name, int fallback) {
    String value = values.get(name);
    try {
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'");
    }
  }

  public Path path(String name, String fallback) {
    String value = values.getOrDefault(name, fallback);
    return value == null ? null : Path.of(value);
  }

  /** A whitespace-separated list, e.g. JVM options. */
  public List<String> words(String name, String fallback) {
    String value = values.getOrDefault(name, fallback);
    return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }

  public List<String> list(String name, String fallback) {
    String value = values.getOrDefault(name, fallback);
    return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s*,\\s*"));
  }
}
