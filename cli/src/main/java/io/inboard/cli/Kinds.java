package io.inboard.cli;

import java.util.Locale;
import java.util.Map;

/** The KIND argument of {@code get} and {@code delete}: singular, plural or short name. */
final class Kinds {
  private static final Map<String, String> PLURALS = Map.ofEntries(
      Map.entry("virtualservice", "virtualservices"),
      Map.entry("virtualservices", "virtualservices"),
      Map.entry("vs", "virtualservices"),
      Map.entry("destinationrule", "destinationrules"),
      Map.entry("destinationrules", "destinationrules"),
      Map.entry("dr", "destinationrules"),
      Map.entry("gateway", "gateways"),
      Map.entry("gateways", "gateways"),
      Map.entry("gw", "gateways"));

  private Kinds() {}

  /** The URL plural for what the user typed, e.g. {@code vs} to {@code virtualservices}. */
  static String plural(String typed) {
    String p = PLURALS.get(typed.toLowerCase(Locale.ROOT));
    if (p == null) {
      throw new IllegalArgumentException("unknown kind '" + typed + "'; use virtualservice (vs),"
          + " destinationrule (dr) or gateway (gw)");
    }
    return p;
  }

  /** {@code virtualservices} to {@code virtualservice}, as printed in result lines. */
  static String singular(String plural) {
    return plural.substring(0, plural.length() - 1);
  }
}
