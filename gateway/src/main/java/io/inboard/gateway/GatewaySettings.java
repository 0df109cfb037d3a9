package io.inboard.gateway;

import io.inboard.core.validate.Durations;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The gateway's settings, each from (first found) the command line, an {@code INBOARD_GATEWAY_*}
 * environment variable, a properties file, or its default.
 *
 * @param servicePort the port number that Gateway servers name for this gateway (its Service port)
 * @param httpsPort the port the gateway terminates TLS on, or -1 when it has none
 * @param httpsServicePort the port number that Gateway HTTPS servers name for this gateway
 * @param credentialsDir where {@code tls.credentialName} secrets are mounted, or {@code null}
 * @param credentialsPollInterval how often the HTTPS servers' certificate files are looked at for a
 *     change; {@link Duration#ZERO}: never, they are read with each snapshot only
 * @param server the config server's URL, or {@code null} in standalone mode
 * @param config the standalone rules-and-instances file, or {@code null} with a server
 * @param http2 whether clients may speak HTTP/2: {@code h2} by ALPN on the HTTPS port, {@code h2c}
 *     with prior knowledge on the proxy port
 */
public record GatewaySettings(
    String bind,
    int port,
    int servicePort,
    int httpsPort,
    int httpsServicePort,
    Path credentialsDir,
    Duration credentialsPollInterval,
    int adminPort,
    URI server,
    String token,
    Path config,
    Map<String, String> labels,
    String name,
    String namespace,
    boolean http2) {

  /** The Service port an ingress gateway has in front of it, as Istio's Gateway servers name it. */
  static final int DEFAULT_SERVICE_PORT = 80;
  static final int DEFAULT_HTTPS_SERVICE_PORT = 443;
  static final Duration DEFAULT_CREDENTIALS_POLL_INTERVAL = Duration.ofSeconds(5);

  /** Settings without an HTTPS port. */
  public GatewaySettings(String bind, int port, int servicePort, int adminPort, URI server, String token, Path config,
      Map<String, String> labels, String name, String namespace) {
    this(bind, port, servicePort, -1, DEFAULT_HTTPS_SERVICE_PORT, null, DEFAULT_CREDENTIALS_POLL_INTERVAL, adminPort,
        server, token, config, labels, name, namespace, true);
  }

  /** The same settings with an HTTPS port ({@code 0}: a free one) and a credentials directory. */
  GatewaySettings withHttps(int httpsPort, int httpsServicePort, Path credentialsDir) {
    return new GatewaySettings(bind, port, servicePort, httpsPort, httpsServicePort, credentialsDir,
        credentialsPollInterval, adminPort, server, token, config, labels, name, namespace, http2);
  }

  /** The same settings with the certificate files looked at every {@code interval} ({@code ZERO}: never). */
  GatewaySettings withCredentialsPollInterval(Duration interval) {
    return new GatewaySettings(bind, port, servicePort, httpsPort, httpsServicePort, credentialsDir, interval,
        adminPort, server, token, config, labels, name, namespace, http2);
  }

  /** The same settings with HTTP/2 to clients on or off. */
  GatewaySettings withHttp2(boolean on) {
    return new GatewaySettings(bind, port, servicePort, httpsPort, httpsServicePort, credentialsDir,
        credentialsPollInterval, adminPort, server, token, config, labels, name, namespace, on);
  }

  /** One setting: its option name, environment variable, default and help. */
  record Option(String name, String metavar, String defaultValue, String help) {
    String env() {
      return "INBOARD_GATEWAY_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  static final List<Option> OPTIONS = List.of(
      new Option("port", "N", "8080", "port the gateway proxies on (0 picks a free one)"),
      new Option("service-port", "N", String.valueOf(DEFAULT_SERVICE_PORT),
          "the port number Gateway servers name for this gateway (its Service port); servers on"
              + " another port (except --port itself) are left out"),
      new Option("https-port", "N", "-1",
          "port the gateway terminates TLS on for the Gateways' HTTPS servers (0 picks a free one, -1 none)"),
      new Option("https-service-port", "N", String.valueOf(DEFAULT_HTTPS_SERVICE_PORT),
          "the port number HTTPS Gateway servers name for this gateway; HTTPS servers on another port"
              + " (except --https-port itself) are left out"),
      new Option("credentials-dir", "DIR", null,
          "where tls.credentialName secrets are mounted: DIR/NAME/tls.crt and tls.key (ca.crt for MUTUAL)"),
      new Option("credentials-poll-interval", "DURATION", "5s",
          "how often the HTTPS servers' certificate, key and CA files are checked for a change (a renewed"
              + " secret), e.g. 5s or 500ms; a changed file is served to new connections; 0 turns it off"),
      new Option("http2", "BOOL", "true",
          "whether clients may speak HTTP/2: h2 by ALPN on the HTTPS port (beside http/1.1), h2c with prior"
              + " knowledge on --port; false: HTTP/1.1 only. Upstream the gateway speaks HTTP/1.1 either way"),
      new Option("admin-port", "N", "15020",
          "port of /metrics, /healthz, /readyz, /config (0 picks a free one, -1 turns it off)"),
      new Option("bind", "ADDR", "127.0.0.1", "address every port listens on (0.0.0.0 for all)"),
      new Option("server", "URL", null, "config server to watch, e.g. http://127.0.0.1:15010"),
      new Option("token", "TOKEN", null, "bearer token for the config server (its agent token)"),
      new Option("config", "FILE", null,
          "standalone mode: a YAML file of Istio resources and static instances, no server"),
      new Option("labels", "K=V,...", "istio=ingressgateway",
          "this gateway's labels, matched by Gateway spec.selector"),
      new Option("name", "NAME", "inboard-gateway", "workload name, reported as source_workload in metrics"),
      new Option("namespace", "NS", "istio-system", "workload namespace, reported as source_workload_namespace"),
      new Option("properties", "FILE", null,
          "a properties file with any of these settings (keys as the option names, e.g. port=8080)"));

  /** Bad usage, with a message saying what is wrong and how to fix it. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** Whether {@code args} ask for help. */
  static boolean wantsHelp(String[] args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  static GatewaySettings parse(String[] args, Map<String, String> env) throws UsageException {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'; settings are given as --name value (see --help)");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      option(name);
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("--" + name + " needs a value: --" + name + " " + option(name).metavar());
        }
        value = args[++i];
      }
      given.put(name, value);
    }
    Map<String, String> fromFile = new LinkedHashMap<>();
    String propertiesFile = given.getOrDefault("properties", env.get(option("properties").env()));
    if (propertiesFile != null) {
      fromFile = readProperties(Path.of(propertiesFile));
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Option option : OPTIONS) {
      String value = given.get(option.name());
      if (value == null) {
        value = env.get(option.env());
      }
      if (value == null) {
        value = fromFile.get(option.name());
      }
      if (value == null) {
        value = option.defaultValue();
      }
      if (value != null) {
        values.put(option.name(), value.trim());
      }
    }
    return build(values);
  }

  private static GatewaySettings build(Map<String, String> values) throws UsageException {
    int port = port(values, "port", false);
    int servicePort = port(values, "service-port", false);
    if (servicePort == 0) {
      throw new UsageException("--service-port 0 is not a port a Gateway server can name; use 1-65535, e.g. 80");
    }
    int httpsPort = port(values, "https-port", true);
    int httpsServicePort = port(values, "https-service-port", false);
    if (httpsServicePort == 0) {
      throw new UsageException("--https-service-port 0 is not a port a Gateway server can name; use 1-65535, e.g. 443");
    }
    if (httpsPort >= 0 && httpsServicePort == servicePort) {
      throw new UsageException("--https-service-port and --service-port are both " + servicePort
          + "; a port number is HTTP or HTTPS, give them different numbers (e.g. 443 and 80)");
    }
    if (httpsPort > 0 && httpsPort == port) {
      throw new UsageException("--https-port and --port are both " + port + "; give the HTTPS port its own number");
    }
    String credentialsText = values.get("credentials-dir");
    Path credentialsDir = credentialsText == null || credentialsText.isEmpty() ? null : Path.of(credentialsText);
    if (credentialsDir != null && !Files.isDirectory(credentialsDir)) {
      throw new UsageException("--credentials-dir " + credentialsDir + ": not a directory; give the directory "
          + "where the TLS secrets are mounted, one sub-directory per credentialName");
    }
    Duration pollInterval = pollInterval(values.get("credentials-poll-interval"));
    int adminPort = port(values, "admin-port", true);
    URI server = null;
    String serverText = values.get("server");
    // An empty value means unset, for --config as for --server: a deployment may define both
    // variables and fill in only the one it uses.
    String configText = values.get("config");
    Path config = configText == null || configText.isEmpty() ? null : Path.of(configText);
    if (serverText != null && !serverText.isEmpty()) {
      try {
        server = URI.create(serverText.endsWith("/") ? serverText.substring(0, serverText.length() - 1) : serverText);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--server '" + serverText + "' is not a URL: " + e.getMessage()
            + "; give e.g. http://127.0.0.1:15010");
      }
      if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme()) || server.getHost() == null) {
        throw new UsageException("--server '" + serverText + "' must be an http(s) URL with a host, e.g. http://127.0.0.1:15010");
      }
    }
    if (server == null && config == null) {
      throw new UsageException("no routing source: give --server URL to watch a config server, or --config FILE "
          + "for standalone rules and instances (or INBOARD_GATEWAY_SERVER / INBOARD_GATEWAY_CONFIG)");
    }
    if (server != null && config != null) {
      throw new UsageException("both --server and --config are set; give one: the config server, or a standalone file");
    }
    if (config != null && !Files.isReadable(config)) {
      throw new UsageException("--config " + config + ": file not found or not readable");
    }
    return new GatewaySettings(values.get("bind"), port, servicePort, httpsPort, httpsServicePort, credentialsDir,
        pollInterval, adminPort, server, values.get("token"), config,
        labels(values.get("labels")), values.get("name"), values.get("namespace"), bool(values, "http2"));
  }

  private static boolean bool(Map<String, String> values, String name) throws UsageException {
    String text = values.get(name).toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new UsageException("--" + name + " '" + values.get(name) + "' is not a boolean; give true or false");
  }

  static Map<String, String> labels(String text) throws UsageException {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return labels;
    }
    for (String pair : text.split(",")) {
      String p = pair.trim();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--labels: '" + p + "' is not key=value; write e.g. --labels istio=ingressgateway,app=edge");
      }
      labels.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return Map.copyOf(labels);
  }

  /** A duration as Istio writes them ({@code 5s}, {@code 500ms}, {@code 1m}); {@code 0} alone means off. */
  private static Duration pollInterval(String text) throws UsageException {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Duration interval;
    try {
      interval = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--credentials-poll-interval: " + e.getMessage() + ", or 0 to turn polling off");
    }
    if (!interval.isZero() && interval.toMillis() < 10) {
      throw new UsageException("--credentials-poll-interval " + text + " is below 10ms, which would keep a core busy "
          + "reading file attributes; give e.g. 5s, or 0 to turn polling off");
    }
    return interval;
  }

  private static int port(Map<String, String> values, String name, boolean mayBeOff) throws UsageException {
    String text = values.get(name);
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535 || mayBeOff && port == -1) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--" + name + " '" + text + "' is not a port; use 0-65535"
        + (mayBeOff ? " or -1 to turn it off" : ""));
  }

  private static Option option(String name) throws UsageException {
    for (Option option : OPTIONS) {
      if (option.name().equals(name)) {
        return option;
      }
    }
    List<String> names = new ArrayList<>();
    OPTIONS.forEach(o -> names.add("--" + o.name()));
    throw new UsageException("unknown option --" + name + "; known options: " + String.join(", ", names) + ", --help");
  }

  private static Map<String, String> readProperties(Path file) throws UsageException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UsageException("--properties " + file + ": cannot read it: " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      option(key.startsWith("--") ? key.substring(2) : key); // unknown keys are mistakes, say so
      out.put(key.startsWith("--") ? key.substring(2) : key, properties.getProperty(key));
    }
    return out;
  }

  static String help() {
    StringBuilder out = new StringBuilder();
    out.append("Usage: java -jar inboard-gateway.jar (--server URL | --config FILE) [options]\n\n")
        .append("The Inboard edge gateway: a reverse proxy that serves the Istio Gateway resources\n")
        .append("selecting its labels and routes every request with the Inboard router.\n\n")
        .append("Each setting is read from the command line, else the environment variable, else the\n")
        .append("--properties file, else its default.\n\n");
    for (Option o : OPTIONS) {
      String left = "  --" + o.name() + " " + o.metavar();
      out.append(String.format("%-28s %s%n", left, o.help()));
      out.append(String.format("%-28s env %s%s%n", "", o.env(),
          o.defaultValue() == null ? "" : ", default " + o.defaultValue()));
    }
    out.append(String.format("%-28s %s%n", "  --help", "print this help"));
    return out.toString();
  }
}
