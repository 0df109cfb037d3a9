package io.inboard.core.validate;

import java.util.regex.Pattern;

/**
 * Host name rules: a service host is a short name ({@code user}), an FQDN
 * ({@code user.shop.svc.cluster.local}, {@code api.example.com}) or a wildcard whose first label
 * is {@code *} ({@code *.example.com}). Gateway server hosts add an optional namespace:
 * {@code [namespace/]host}.
 */
final class Hosts {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final int MAX_LENGTH = 253;

  private Hosts() {}

  /**
   * Why {@code host} (already lower-cased) is not a valid host, or {@code null}. A lone {@code *}
   * is not judged here: whether it is allowed depends on where it is used.
   */
  static String problem(String host, boolean wildcardAllowed) {
    if (host.isEmpty()) {
      return "host must not be empty";
    }
    if (host.contains("://")) {
      String rest = host.substring(host.indexOf("://") + 3);
      int cut = indexOfAny(rest, "/:");
      return "'" + host + "' is a URL; a host is only the DNS name, e.g. '"
          + (cut >= 0 ? rest.substring(0, cut) : rest) + "'";
    }
    if (host.contains("/")) {
      return "'" + host + "' contains '/'; a host is a DNS name without a path";
    }
    if (host.contains(":")) {
      return "'" + host + "' contains a port; a host is a DNS name (ports go in destination.port"
          + " or match.port)";
    }
    if (host.length() > MAX_LENGTH) {
      return "host '" + Names.abbreviate(host) + "' is too long (" + host.length()
          + " characters, at most " + MAX_LENGTH + ")";
    }
    if (IPV4.matcher(host).matches()) {
      return null;
    }
    String rest = host;
    if (host.startsWith("*")) {
      if (!wildcardAllowed) {
        return "'" + host + "' is a wildcard; a destination must name one service";
      }
      if (host.equals("*")) {
        return null;
      }
      if (!host.startsWith("*.")) {
        return "'" + host + "' is not a valid wildcard host: '*' must be the whole first label, "
            + "as in '*.example.com'";
      }
      rest = host.substring(2);
    }
    if (rest.endsWith(".")) {
      // As in Istio, a trailing dot (an absolute name, 'api.example.com.') is allowed.
      rest = rest.substring(0, rest.length() - 1);
      if (rest.isEmpty()) {
        return "'" + host + "' has no name before the trailing dot";
      }
    }
    String[] labels = rest.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()) {
        return "'" + host + "' has an empty label (two dots in a row)";
      }
      if (label.contains("*")) {
        return "'" + host + "' has '*' inside; a wildcard is only allowed as the first label, "
            + "as in '*.example.com'";
      }
      if (label.length() > 63 || !LABEL.matcher(label).matches()) {
        return "'" + host + "' is not a valid host: label '" + Names.abbreviate(label) + "' must be"
            + " 1-63 lower-case letters, digits or '-', not starting or ending with '-'";
      }
    }
    if (labels.length > 1 && labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      return "'" + host + "' is not a valid host: the last label cannot be all digits";
    }
    return null;
  }

  /**
   * {@code host} as the router keeps it: {@code reviews.shop.svc.cluster.local.} is the same name
   * as {@code reviews.shop.svc.cluster.local}, so the trailing dot is dropped. A single label keeps
   * it: {@code reviews.} is the absolute name "reviews", not the short name of a service, and stays
   * as written (it matches only requests for {@code reviews.}).
   */
  static String withoutTrailingDot(String host) {
    if (host.length() < 2 || !host.endsWith(".")) {
      return host;
    }
    String name = host.substring(0, host.length() - 1);
    return name.indexOf('.') >= 0 ? name : host;
  }

  /**
   * Why {@code host} is not a valid Gateway server host ({@code [namespace/]dnsName}, the
   * namespace being a name, {@code *} or {@code .}), or {@code null}.
   */
  static String gatewayServerHostProblem(String host) {
    String dns = host;
    int slash = host.indexOf('/');
    if (slash >= 0) {
      String ns = host.substring(0, slash);
      dns = host.substring(slash + 1);
      if (dns.contains("/")) {
        return "'" + host + "' has more than one '/'; write [namespace/]host, e.g. "
            + "'prod/api.example.com'";
      }
      if (ns.isEmpty()) {
        return "'" + host + "' has an empty namespace before '/'; write a namespace, '.' or '*', "
            + "or drop the '/'";
      }
      if (!ns.equals("*") && !ns.equals(".") && !Names.isDns1123Label(ns)) {
        return "'" + host + "': '" + ns + "' is not a namespace; use a namespace name, '.' (this "
            + "gateway's namespace) or '*' (any)";
      }
    }
    if (dns.isEmpty()) {
      return "'" + host + "' has no host after '/'; write e.g. '" + host + "*' or '" + host
          + "api.example.com'";
    }
    return problem(dns, true);
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
