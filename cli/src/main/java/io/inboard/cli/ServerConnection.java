package io.inboard.cli;

import io.inboard.core.controlplane.ConfigServerClient;
import java.net.URI;
import picocli.CommandLine.Option;

/**
 * The {@code --server URL} and {@code --token TOKEN} options of the online commands, with
 * {@code INBOARD_SERVER} and {@code INBOARD_TOKEN} as defaults. Mixed into each command with
 * {@code @Mixin ServerConnection server;}.
 */
public final class ServerConnection {
  /** Where a local config server listens by default. */
  public static final String DEFAULT_SERVER = "http://127.0.0.1:15010";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "Config server URL (default: $INBOARD_SERVER, else " + DEFAULT_SERVER + ").")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token for the config server (default: $INBOARD_TOKEN).")
  String token;

  /** Whether a server was named, by option or environment (explain runs online only then). */
  public boolean isSet() {
    return server != null || blank(System.getenv("INBOARD_SERVER")) != null;
  }

  public String url() {
    String s = server != null ? server : blank(System.getenv("INBOARD_SERVER"));
    return s == null ? DEFAULT_SERVER : s;
  }

  /** A client for the named server, with the token if one was given. */
  public ConfigServerClient client() {
    String t = token != null ? token : blank(System.getenv("INBOARD_TOKEN"));
    URI uri;
    try {
      uri = URI.create(url());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--server '" + url() + "' is not a URL: " + e.getMessage());
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("--server '" + url() + "' is not an http URL like " + DEFAULT_SERVER);
    }
    return new ConfigServerClient(uri, t);
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
