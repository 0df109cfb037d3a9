package io.inboard.core.validate;

import java.util.regex.Pattern;

/** Kubernetes naming rules: DNS-1123 labels (resource, namespace, subset names) and label syntax. */
final class Names {
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  static final int MAX_LABEL = 63;
  static final int MAX_SUBDOMAIN = 253;

  private Names() {}

  static boolean isDns1123Label(String s) {
    return s.length() <= MAX_LABEL && DNS1123_LABEL.matcher(s).matches();
  }

  /**
   * Why {@code s} is not a DNS-1123 label, or {@code null} when it is one. {@code what} names the
   * thing in the message, e.g. "a subset name".
   */
  static String dns1123LabelProblem(String s, String what) {
    if (s.isEmpty()) {
      return what + " must not be empty";
    }
    if (s.length() > MAX_SUBDOMAIN) {
      return "'" + abbreviate(s) + "' is too long (" + s.length() + " characters); " + what
          + " has at most " + MAX_LABEL;
    }
    if (s.length() > MAX_LABEL) {
      return "'" + s + "' is too long (" + s.length() + " characters); " + what + " has at most "
          + MAX_LABEL;
    }
    if (!DNS1123_LABEL.matcher(s).matches()) {
      String lower = s.toLowerCase(java.util.Locale.ROOT);
      String hint = DNS1123_LABEL.matcher(lower).matches() ? "; write it as '" + lower + "'" : "";
      return "'" + s + "' is not a valid " + what.replaceFirst("^an? ", "")
          + ": use lower-case letters, digits and '-', starting and ending with a letter or digit"
          + hint;
    }
    return null;
  }

  /** Why {@code key} is not a Kubernetes label key ({@code [prefix/]name}), or {@code null}. */
  static String labelKeyProblem(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > MAX_SUBDOMAIN
          || !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
        return "label key '" + key + "' has an invalid prefix: it must be a lower-case DNS name "
            + "such as app.kubernetes.io";
      }
    }
    if (name.isEmpty() || name.length() > MAX_LABEL || !LABEL_NAME.matcher(name).matches()) {
      return "'" + key + "' is not a valid label key: use at most 63 letters, digits, '-', '_' and "
          + "'.', starting and ending with a letter or digit (optionally after a 'prefix/')";
    }
    return null;
  }

  /** Why {@code value} is not a Kubernetes label value, or {@code null}. */
  static String labelValueProblem(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > MAX_LABEL || !LABEL_NAME.matcher(value).matches()) {
      return "'" + value + "' is not a valid label value: use at most 63 letters, digits, '-', '_' "
          + "and '.', starting and ending with a letter or digit";
    }
    return null;
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
