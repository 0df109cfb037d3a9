package io.inboard.core.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.core.model.Percent;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A position in a document being read: the JSON node (or {@code null} when the field is absent),
 * its path such as {@code spec.http[1].route[0].weight}, and where problems go. The typed
 * accessors report a type error at this path and return {@code null} instead of throwing, so that
 * reading continues and every problem is found.
 */
final class Field {
  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private final JsonNode json;
  private final String path;
  private final Problems problems;

  private Field(JsonNode json, String path, Problems problems) {
    this.json = json;
    this.path = path;
    this.problems = problems;
  }

  static Field root(JsonNode json, Problems problems) {
    return new Field(json, "", problems);
  }

  JsonNode json() {
    return json;
  }

  String path() {
    return path;
  }

  Problems problems() {
    return problems;
  }

  /** The child field {@code name} (absent when this is not an object or has no such field). */
  Field get(String name) {
    JsonNode child = json != null && json.isObject() ? json.get(name) : null;
    return new Field(child, childPath(name), problems);
  }

  private String childPath(String key) {
    String segment = SIMPLE_KEY.matcher(key).matches() ? key : "[\"" + key + "\"]";
    if (path.isEmpty()) {
      return segment;
    }
    return segment.startsWith("[") ? path + segment : path + "." + segment;
  }

  /** Present and not {@code null} ({@code field:} with no value counts as absent, as in Kubernetes). */
  boolean present() {
    return json != null && !json.isNull() && !json.isMissingNode();
  }

  boolean has(String name) {
    return get(name).present();
  }

  void error(String message) {
    problems.error(path, message);
  }

  void warning(String message) {
    problems.warning(path, message);
  }

  /** True when this is an object; checks its field names against {@code schema}. */
  boolean object(Schema schema) {
    if (!present()) {
      return false;
    }
    if (!json.isObject()) {
      error("must be a mapping of fields, not " + describe(json));
      return false;
    }
    schema.check(this);
    return true;
  }

  /** The items of a list, each with its {@code [i]} path; empty when absent or not a list. */
  List<Field> items() {
    if (!present()) {
      return List.of();
    }
    if (!json.isArray()) {
      error("must be a list (in YAML, one '- ' entry per item), not " + describe(json));
      return List.of();
    }
    List<Field> out = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      out.add(new Field(json.get(i), path + "[" + i + "]", problems));
    }
    return out;
  }

  /** The entries of a mapping whose keys are data (header names, labels); empty when absent. */
  Map<String, Field> entries() {
    if (!present()) {
      return Map.of();
    }
    if (!json.isObject()) {
      error("must be a mapping of names to values, not " + describe(json));
      return Map.of();
    }
    Map<String, Field> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), new Field(e.getValue(), childPath(e.getKey()), problems));
    }
    return out;
  }

  /** A string value; {@code null} when absent or not a string (reported). */
  String string() {
    if (!present()) {
      return null;
    }
    if (!json.isTextual()) {
      error("must be a string, not " + describe(json)
          + (json.isValueNode() ? "; quote it: '" + json.asText() + "'" : ""));
      return null;
    }
    return json.textValue();
  }

  /** A string that must not be empty when present. */
  String nonEmptyString() {
    String s = string();
    if (s != null && s.isEmpty()) {
      error("must not be empty");
      return null;
    }
    return s;
  }

  /**
   * A scalar as text: strings as written, numbers and booleans in their plain form. For label
   * values, where YAML turns {@code 1} or {@code true} into non-strings.
   */
  String scalarText() {
    if (!present()) {
      return null;
    }
    if (!json.isValueNode()) {
      error("must be a string, not " + describe(json));
      return null;
    }
    return json.asText();
  }

  /** An integer in [min, max]; {@code null} when absent or invalid (reported). */
  Integer integer(long min, long max) {
    Long v = longValue(min, max);
    return v == null ? null : (int) (long) v;
  }

  Long longValue(long min, long max) {
    if (!present()) {
      return null;
    }
    if (!json.isIntegralNumber() || !json.canConvertToLong()) {
      if (json.isTextual() && json.textValue().trim().matches("-?\\d+")) {
        error("must be a number, not a string; remove the quotes: " + json.textValue().trim());
      } else {
        error("must be a whole number, not " + describe(json));
      }
      return null;
    }
    long v = json.longValue();
    if (v < min || v > max) {
      error(max >= Integer.MAX_VALUE
          ? v + " is too small; use " + min + " or more"
          : v + " is out of range; use " + min + ".." + max);
      return null;
    }
    return v;
  }

  Boolean bool() {
    if (!present()) {
      return null;
    }
    if (!json.isBoolean()) {
      error("must be true or false, not " + describe(json));
      return null;
    }
    return json.booleanValue();
  }

  /** A number (whole or decimal); {@code null} when absent or invalid (reported). */
  Double number() {
    if (!present()) {
      return null;
    }
    if (!json.isNumber()) {
      error("must be a number, not " + describe(json));
      return null;
    }
    return json.doubleValue();
  }

  /** An Istio duration string such as {@code 1.5s} or {@code 250ms}, at least {@code min}. */
  Duration duration(Duration min) {
    if (!present()) {
      return null;
    }
    if (!json.isTextual()) {
      String hint = json.isNumber() ? "; add a unit, e.g. " + json.asText() + "s" : "";
      error("must be a duration such as 1.5s, 250ms, 1m or 1h, not " + describe(json) + hint);
      return null;
    }
    String text = json.textValue();
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      error(e.getMessage());
      return null;
    }
    if (d.compareTo(min) < 0) {
      error("'" + Names.abbreviate(text) + "' is too short; use at least " + Durations.format(min));
      return null;
    }
    return d;
  }

  /**
   * A duration checked as Istio's {@code ValidateDuration} checks route timeouts, per-try
   * timeouts, fault delays and outlier detection times: at least 1ms, in whole milliseconds.
   */
  Duration istioDuration() {
    Duration d = duration(Duration.ofMillis(1));
    if (d != null && d.toNanosPart() % 1_000_000 != 0) {
      error("'" + Names.abbreviate(json.textValue()) + "' is finer than a millisecond; durations "
          + "are whole milliseconds, e.g. " + Durations.format(d.truncatedTo(ChronoUnit.MILLIS)));
      return null;
    }
    return d;
  }

  /** Istio's {@code Percent}: {@code {value: 12.5}} in [0, 100]. */
  Percent percent() {
    if (present() && json.isNumber()) {
      error("must be a mapping; write a percentage as {value: " + json.asText() + "}");
      return null;
    }
    if (!object(Schema.of("value"))) {
      return null;
    }
    Field value = get("value");
    if (!value.present()) {
      error("needs a value, e.g. {value: 12.5}");
      return null;
    }
    Double v = value.number();
    if (v == null) {
      return null;
    }
    if (v < 0 || v > 100 || v.isNaN()) {
      value.error(value.json.asText() + " is not a percentage; use a number from 0 to 100");
      return null;
    }
    return new Percent(v);
  }

  static String describe(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isTextual()) {
      return "the string '" + Names.abbreviate(node.textValue()) + "'";
    }
    if (node.isBoolean()) {
      return "the boolean " + node.asText();
    }
    if (node.isNumber()) {
      return "the number " + node.asText();
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
