package io.inboard.agent;

/**
 * Lets the JDK's HTTP clients send a {@code Host} header chosen by the caller, which routing needs
 * to connect to an instance's address while keeping the logical host. Both clients read these
 * properties once, when their classes initialise, so this runs first thing in premain.
 */
final class RestrictedHeaders {
  static final String JDK_HTTPCLIENT = "jdk.httpclient.allowRestrictedHeaders";
  static final String URL_CONNECTION = "sun.net.http.allowRestrictedHeaders";

  private RestrictedHeaders() {}

  static void allowHost() {
    String allowed = System.getProperty(JDK_HTTPCLIENT);
    if (allowed == null || allowed.isBlank()) {
      System.setProperty(JDK_HTTPCLIENT, "host");
    } else if (!containsHost(allowed)) {
      System.setProperty(JDK_HTTPCLIENT, allowed + ",host");
    }
    // HttpURLConnection has only an all-or-nothing switch; an explicit "false" from the user wins.
    if (System.getProperty(URL_CONNECTION) == null) {
      System.setProperty(URL_CONNECTION, "true");
    }
  }

  private static boolean containsHost(String list) {
    for (String name : list.split(",")) {
      if (name.trim().equalsIgnoreCase("host")) {
        return true;
      }
    }
    return false;
  }
}
