package io.inboard.server;

import java.util.regex.Pattern;

/**
 * The naming rules of the REST surface: resource names and namespaces are DNS-1123 labels, as in
 * Kubernetes, so that a name can never be a path ({@code ../}) or anything else surprising.
 */
final class Names {
  static final int MAX_LABEL = 63;
  static final int MAX_NAME = 253;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  // Instance ids are chosen by agents (often service-address-port); allow a little more, never '/'.
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._:-]*[A-Za-z0-9])?");

  private Names() {}

  /** {@code null} when {@code value} is a valid DNS-1123 label, else why not and how to fix it. */
  static String labelProblem(String what, String value) {
    if (value == null || value.isEmpty()) {
      return what + " is missing; give a DNS-1123 label such as 'user-rules'";
    }
    if (value.length() > MAX_NAME) {
      return what + " is " + value.length() + " characters long; names over " + MAX_NAME
          + " characters are refused, and a DNS-1123 label has at most " + MAX_LABEL;
    }
    if (value.length() > MAX_LABEL) {
      return what + " '" + value + "' is " + value.length() + " characters long; a DNS-1123 label has at most "
          + MAX_LABEL;
    }
    if (!LABEL.matcher(value).matches()) {
      return what + " '" + printable(value) + "' is not a DNS-1123 label: use lower-case letters, digits"
          + " and '-', starting and ending with a letter or digit";
    }
    return null;
  }

  static String instanceIdProblem(String value) {
    if (value == null || value.isEmpty()) {
      return "instance id is missing";
    }
    if (value.length() > MAX_NAME) {
      return "instance id is " + value.length() + " characters long; at most " + MAX_NAME + " are allowed";
    }
    if (!INSTANCE_ID.matcher(value).matches() || value.contains("..")) {
      return "instance id '" + printable(value) + "' is not valid: use letters, digits, '.', '_', ':' and '-'"
          + " (no '..'), starting and ending with a letter or digit";
    }
    return null;
  }

  /** Shows control characters escaped, and long values cut, so an error message stays one line. */
  static String printable(String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length() && sb.length() < 80; i++) {
      char c = value.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return value.length() > 80 ? sb + "..." : sb.toString();
  }
}
