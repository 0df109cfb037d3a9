package io.inboard.agent.runtime;

import io.inboard.core.propagation.PropagatedHeaders;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The agent's settings, each read from (highest first) the system property {@code inboard.<name>},
 * the {@code -javaagent:inboard-agent.jar=<name>=<value>,...} arguments, the environment variable
 * {@code INBOARD_<NAME>} (upper case, {@code -} and {@code .} as {@code _}), then the default.
 *
 * <p>A bad value never stops the application: it is reported in {@link #problems()} (the runtime
 * logs them) and the default is used instead.
 */
public final class AgentOptions {
  /** The instrumentations that can be switched off with {@code instrumentation.<name>.enabled=false}. */
  public static final List<String> INSTRUMENTATIONS =
      List.of("servlet-jetty", "servlet-tomcat", "okhttp", "jdk-httpclient", "httpurlconnection", "executors");

  /** Every option name, to recognise agent arguments and to document them. */
  static final List<String> NAMES;

  static {
    List<String> names =
        new ArrayList<>(
            List.of(
                "server",
                "token",
                "service",
                "namespace",
                "labels",
                "address",
                "port",
                "admin-port",
                "admin-address",
                "cache-dir",
                "config",
                "propagate",
                "first-snapshot-wait",
                "port-wait",
                "lease-ttl",
                "generate-request-id"));
    for (String instrumentation : INSTRUMENTATIONS) {
      names.add("instrumentation." + instrumentation + ".enabled");
    }
    NAMES = List.copyOf(names);
  }

  /**
   * The options whose value is a comma-separated list: in agent arguments, a segment that does not
   * name an option continues one of these, and only these.
   */
  static final Set<String> LIST_OPTIONS = Set.of("labels", "propagate");

  private final Map<String, String> values;
  private final Map<String, String> sources;
  private final List<String> problems = new ArrayList<>();

  private AgentOptions(Map<String, String> values, Map<String, String> sources, List<String> problems) {
    this.values = values;
    this.sources = sources;
    this.problems.addAll(problems);
    validate();
  }

  /**
   * Reads every option once, so that each bad value is in {@link #problems()} when the runtime logs
   * them at start, not only once (and if ever) its accessor runs.
   */
  private void validate() {
    server();
    labels();
    port();
    adminPort();
    propagate();
    firstSnapshotWait();
    portWait();
    leaseTtl();
    generateRequestId();
    for (String name : INSTRUMENTATIONS) {
      instrumentationEnabled(name);
    }
  }

  /** Reads the options of this JVM: its system properties, environment and agent arguments. */
  public static AgentOptions fromEnvironment(String agentArgs) {
    Map<String, String> properties = new LinkedHashMap<>();
    System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
    return parse(agentArgs, System.getenv(), properties);
  }

  /** Reads options from explicit sources (for tests and embedding). */
  public static AgentOptions parse(String agentArgs, Map<String, String> env, Map<String, String> properties) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    Map<String, String> args = parseAgentArgs(agentArgs, problems);
    for (String name : NAMES) {
      String property = properties.get("inboard." + name);
      String argument = args.get(name);
      String variable = env.get(envName(name));
      if (property != null) {
        values.put(name, property.trim());
        sources.put(name, "system property inboard." + name);
      } else if (argument != null) {
        values.put(name, argument.trim());
        sources.put(name, "agent argument " + name);
      } else if (variable != null) {
        values.put(name, variable.trim());
        sources.put(name, "environment variable " + envName(name));
      }
    }
    for (String key : properties.keySet()) {
      if (key.startsWith("inboard.") && !NAMES.contains(key.substring("inboard.".length()))) {
        problems.add("unknown system property " + key + "; the options are listed in the agent README");
      }
    }
    return new AgentOptions(values, sources, problems);
  }

  /** {@code admin-port} → {@code INBOARD_ADMIN_PORT}. */
  public static String envName(String name) {
    return "INBOARD_" + name.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /**
   * {@code k=v,k=v}. The value of a list option ({@link #LIST_OPTIONS}) may itself hold commas
   * ({@code labels=version=v1,app=user}): a segment whose key is not an option name continues it.
   * After any other option such a segment is reported (a mistyped name must not be glued onto the
   * previous value). With a {@code ;} anywhere, only {@code ;} separates options.
   */
  static Map<String, String> parseAgentArgs(String args, List<String> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    if (args == null || args.isBlank()) {
      return out;
    }
    boolean semicolons = args.indexOf(';') >= 0;
    String last = null;
    for (String segment : args.split(semicolons ? ";" : ",")) {
      if (segment.isBlank()) {
        continue;
      }
      int eq = segment.indexOf('=');
      String key = eq < 0 ? segment.trim() : segment.substring(0, eq).trim();
      if (NAMES.contains(key)) {
        out.put(key, eq < 0 ? "" : segment.substring(eq + 1));
        last = key;
      } else if (last != null && !semicolons && LIST_OPTIONS.contains(last)) {
        out.put(last, out.get(last) + "," + segment);
      } else {
        problems.add("agent argument '" + segment.trim() + "' is not name=value with a known name");
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ typed options

  /** The config server's base URL, or {@code null} when none is configured. */
  public URI server() {
    String value = values.get("server");
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      URI uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      problem("server", value, "give the config server's URL, e.g. http://127.0.0.1:15010");
      return null;
    }
  }

  public String token() {
    return string("token", null);
  }

  public String service() {
    return string("service", null);
  }

  public String namespace() {
    return string("namespace", "default");
  }

  /** {@code version=v1,app=user}. */
  public Map<String, String> labels() {
    String value = values.get("labels");
    Map<String, String> labels = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return labels;
    }
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        problem("labels", value, "write key=value pairs separated by commas, e.g. version=v1,app=user");
        return new LinkedHashMap<>();
      }
      labels.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
    }
    return labels;
  }

  /** The address to register; {@code null} means "work it out" (see {@code AgentRuntime}). */
  public String address() {
    return string("address", null);
  }

  /** The port to register; 0 when not given (then detected from the servlet container). */
  public int port() {
    return port("port", 0);
  }

  /** The admin endpoint's port: -1 (not given) means off, 0 any free port (logged at start). */
  public int adminPort() {
    return port("admin-port", -1);
  }

  public String adminAddress() {
    return string("admin-address", "127.0.0.1");
  }

  /** Where the last snapshot is kept: {@code ${java.io.tmpdir}/inboard-agent/<namespace>-<service>}. */
  public Path cacheDir() {
    String value = values.get("cache-dir");
    if (value != null && !value.isEmpty()) {
      return Path.of(value);
    }
    String service = service() == null ? "unnamed" : service();
    return Path.of(System.getProperty("java.io.tmpdir"), "inboard-agent", namespace() + "-" + service);
  }

  /** The standalone rules file, or {@code null}. */
  public Path config() {
    String value = values.get("config");
    return value == null || value.isEmpty() ? null : Path.of(value);
  }

  /** The extra header names to propagate, lower case. */
  public Set<String> propagate() {
    try {
      return PropagatedHeaders.parseList(values.get("propagate"), "option propagate (" + source("propagate") + ")");
    } catch (IllegalArgumentException e) {
      synchronized (problems) {
        if (!problems.contains(e.getMessage())) {
          problems.add(e.getMessage());
        }
      }
      return Set.of();
    }
  }

  /** How long an outbound call waits for the first snapshot before going out unrouted. */
  public Duration firstSnapshotWait() {
    return duration("first-snapshot-wait", Duration.ofSeconds(2));
  }

  /** How long registration waits for the container's port when {@code port} is not given. */
  public Duration portWait() {
    return duration("port-wait", Duration.ofSeconds(60));
  }

  /** The instance lease's ttl; it is renewed every third of it. */
  public Duration leaseTtl() {
    Duration ttl = duration("lease-ttl", Duration.ofSeconds(30));
    if (ttl.toSeconds() < 3) {
      problem("lease-ttl", values.get("lease-ttl"), "give at least 3s");
      return Duration.ofSeconds(30);
    }
    return ttl;
  }

  public boolean generateRequestId() {
    return bool("generate-request-id", true);
  }

  /** Whether instrumentation {@code name} (one of {@link #INSTRUMENTATIONS}) is on; default on. */
  public boolean instrumentationEnabled(String name) {
    if (!INSTRUMENTATIONS.contains(name)) {
      throw new IllegalArgumentException("no instrumentation '" + name + "'; known: " + INSTRUMENTATIONS);
    }
    return bool("instrumentation." + name + ".enabled", true);
  }

  /** The raw value of option {@code name}, or {@code null}. */
  public String raw(String name) {
    return values.get(name);
  }

  /** Where option {@code name} came from, e.g. {@code environment variable INBOARD_PORT}, or {@code default}. */
  public String source(String name) {
    return sources.getOrDefault(name, "default");
  }

  /** Every problem with the options: unknown names and values that cannot be used (all found when they are read). */
  public List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  // ------------------------------------------------------------------ parsing helpers

  private String string(String name, String fallback) {
    String value = values.get(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private int port(String name, int fallback) {
    String value = values.get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      problem(name, value, "give a port number between 1 and 65535");
      return fallback;
    }
  }

  private boolean bool(String name, boolean fallback) {
    String value = values.get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    problem(name, value, "give true or false");
    return fallback;
  }

  private Duration duration(String name, Duration fallback) {
    String value = values.get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return parseDuration(value);
    } catch (IllegalArgumentException e) {
      problem(name, value, "give a duration with a unit, e.g. 2s, 500ms or 1m");
      return fallback;
    }
  }

  /** {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}. */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    double amount;
    long unitMillis;
    if (t.endsWith("ms")) {
      amount = Double.parseDouble(t.substring(0, t.length() - 2));
      unitMillis = 1;
    } else if (t.endsWith("s")) {
      amount = Double.parseDouble(t.substring(0, t.length() - 1));
      unitMillis = 1000;
    } else if (t.endsWith("m")) {
      amount = Double.parseDouble(t.substring(0, t.length() - 1));
      unitMillis = 60_000;
    } else {
      throw new IllegalArgumentException("no unit");
    }
    if (amount < 0 || Double.isNaN(amount)) {
      throw new IllegalArgumentException("negative");
    }
    return Duration.ofMillis(Math.round(amount * unitMillis));
  }

  private void problem(String name, String value, String fix) {
    String message = "option " + name + " = '" + value + "' (" + source(name) + ") is not valid: " + fix + "; using the default";
    synchronized (problems) {
      if (!problems.contains(message)) {
        problems.add(message);
      }
    }
  }
}
