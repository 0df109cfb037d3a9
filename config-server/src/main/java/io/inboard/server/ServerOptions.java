package io.inboard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The server's settings, from the command line and the environment.
 *
 * @param dataDir where the file store keeps the state; not used with etcd
 * @param adminToken {@code null} when none is configured
 * @param agentToken {@code null} when none is configured
 * @param etcd where the state is kept instead of {@code dataDir}; {@code null} for the file store
 */
public record ServerOptions(int port, String bind, Path dataDir, String adminToken, String agentToken,
    EtcdOptions etcd) {
  public static final int DEFAULT_PORT = 15010;
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final String DEFAULT_DATA_DIR = "./inboard-data";

  public static final String HELP = String.join("\n",
      "Usage: java -jar inboard-config-server.jar [OPTIONS]",
      "",
      "The Inboard config server: stores Istio VirtualService, DestinationRule and Gateway",
      "resources, keeps instance leases, and serves snapshots to agents and gateways.",
      "",
      "Options:",
      "  --port N                 TCP port to listen on (default " + DEFAULT_PORT + "; 0 picks a free port)",
      "  --bind ADDR              address to bind (default " + DEFAULT_BIND + "); binding anything but",
      "                           loopback requires tokens",
      "  --store file|etcd        where the state is kept (default file): files in --data-dir, or",
      "                           etcd, shared by every replica that names the same etcd and prefix",
      "  --data-dir DIR           where the file store keeps resources and the revision (default "
          + DEFAULT_DATA_DIR + ")",
      "  --etcd-endpoints URLS    with --store etcd: comma-separated client URLs of the etcd cluster",
      "                           (default " + EtcdOptions.DEFAULT_ENDPOINT + ")",
      "  --etcd-prefix PREFIX     with --store etcd: the key prefix of this control plane (default "
          + EtcdOptions.DEFAULT_PREFIX + ")",
      "  --etcd-ca-file FILE      with https:// endpoints: the PEM CA bundle trusted for etcd's",
      "                           certificate (default: the JVM's trust store)",
      "  --etcd-cert-file FILE    with https:// endpoints: a PEM client certificate for etcd's",
      "                           --client-cert-auth (with --etcd-key-file)",
      "  --etcd-key-file FILE     the PEM private key of --etcd-cert-file (PKCS#8, or PKCS#1 RSA)",
      "  --etcd-user NAME         the etcd user to authenticate as when etcd has auth enabled",
      "  --etcd-password-file FILE  read that user's password from FILE",
      "  --admin-token-file FILE  read the admin token (all writes) from FILE",
      "  --agent-token-file FILE  read the agent token (register instances, read, watch) from FILE",
      "  -h, --help               print this help and exit",
      "",
      "Environment:",
      "  INBOARD_ADMIN_TOKEN      the admin token (a token file takes precedence)",
      "  INBOARD_AGENT_TOKEN      the agent token (a token file takes precedence)",
      "  INBOARD_STORE            file or etcd, as --store (the option takes precedence)",
      "  INBOARD_ETCD_ENDPOINTS   as --etcd-endpoints (the option takes precedence)",
      "  INBOARD_ETCD_PREFIX      as --etcd-prefix (the option takes precedence)",
      "  INBOARD_ETCD_CA_FILE, INBOARD_ETCD_CERT_FILE, INBOARD_ETCD_KEY_FILE, INBOARD_ETCD_USER",
      "                           as the options of the same name (the options take precedence)",
      "  INBOARD_ETCD_PASSWORD    the etcd user's password (--etcd-password-file takes precedence)",
      "",
      "Without tokens every local caller may do everything, and only a loopback address may be",
      "bound. Requests then need no Authorization header; with tokens they send",
      "'Authorization: Bearer <token>'. A token is visible ASCII (e.g. 'openssl rand -hex 24');",
      "an empty token file, a variable set but blank, or a token with other characters is refused.");

  /** Thrown for bad usage; the message says what is wrong. */
  public static final class UsageException extends Exception {
    public UsageException(String message) {
      super(message);
    }
  }

  /** Returns {@code null} when help was asked for. */
  public static ServerOptions parse(String[] args, Map<String, String> env) throws UsageException {
    int port = DEFAULT_PORT;
    String bind = DEFAULT_BIND;
    String dataDir = null;
    String store = null;
    // --etcd-* option -> value, checked against the store chosen.
    Map<String, String> etcdArgs = new java.util.LinkedHashMap<>();
    String adminFile = null;
    String agentFile = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "-h", "--help" -> {
          return null;
        }
        case "--etcd-password" -> throw new UsageException("--etcd-password is not accepted: a password on the"
            + " command line is visible to every user of the machine; use --etcd-password-file FILE or the"
            + " variable INBOARD_ETCD_PASSWORD");
        case "--port", "--bind", "--data-dir", "--admin-token-file", "--agent-token-file", "--store",
            "--etcd-endpoints", "--etcd-prefix", "--etcd-ca-file", "--etcd-cert-file", "--etcd-key-file",
            "--etcd-user", "--etcd-password-file" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(a + " needs a value");
            }
            value = args[++i];
          }
          switch (a) {
            case "--port" -> port = parsePort(value);
            case "--bind" -> bind = value;
            case "--data-dir" -> dataDir = value;
            case "--admin-token-file" -> adminFile = value;
            case "--store" -> store = value;
            case "--agent-token-file" -> agentFile = value;
            default -> etcdArgs.put(a, value);
          }
        }
        default -> throw new UsageException("unknown option '" + args[i] + "'; see --help");
      }
    }
    String admin = adminFile != null ? readToken(adminFile, "admin") : variableToken(env, "INBOARD_ADMIN_TOKEN", "admin");
    String agent = agentFile != null ? readToken(agentFile, "agent") : variableToken(env, "INBOARD_AGENT_TOKEN", "agent");
    if (admin == null && agent != null) {
      throw new UsageException("an agent token is configured but no admin token; set INBOARD_ADMIN_TOKEN"
          + " or --admin-token-file too, or nobody could change resources");
    }
    if (admin != null && admin.equals(agent)) {
      throw new UsageException("the admin and agent tokens are the same; give agents their own token");
    }
    EtcdOptions etcd = etcdOptions(store, etcdArgs, dataDir, env);
    return new ServerOptions(port, bind, Path.of(dataDir == null ? DEFAULT_DATA_DIR : dataDir), admin, agent, etcd);
  }

  /**
   * The etcd settings, {@code null} for the file store. An etcd setting given with the file store,
   * or a data directory given with etcd, is refused rather than ignored: the user meant the other
   * store.
   */
  private static EtcdOptions etcdOptions(String storeOption, Map<String, String> etcdArgs, String dataDir,
      Map<String, String> env) throws UsageException {
    String store = storeOption != null ? storeOption : env.getOrDefault("INBOARD_STORE", "file");
    String from = storeOption != null ? "--store" : "INBOARD_STORE";
    switch (store.trim()) {
      case "file" -> {
        if (!etcdArgs.isEmpty()) {
          throw new UsageException(etcdArgs.keySet().iterator().next()
              + " is for the etcd store; add --store etcd, or leave it out to keep the state in --data-dir");
        }
        return null;
      }
      case "etcd" -> {
        if (dataDir != null) {
          throw new UsageException("--data-dir is for the file store; with " + from + " etcd the state is in etcd"
              + " (--etcd-endpoints), so leave --data-dir out");
        }
        try {
          EtcdTls.Files tls = new EtcdTls.Files(etcdSetting(etcdArgs, env, "ca-file"),
              etcdSetting(etcdArgs, env, "cert-file"), etcdSetting(etcdArgs, env, "key-file"));
          EtcdLogin login = EtcdLogin.load(etcdSetting(etcdArgs, env, "user"), etcdArgs.get("--etcd-password-file"), env);
          return EtcdOptions.parse(value(etcdSetting(etcdArgs, env, "endpoints")),
              value(etcdSetting(etcdArgs, env, "prefix")), tls, login);
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      }
      default -> throw new UsageException(from + " '" + store + "' is not a store; use file (the default) or etcd");
    }
  }

  /** {@code --etcd-NAME}, else the variable {@code INBOARD_ETCD_NAME}. */
  private static Setting etcdSetting(Map<String, String> etcdArgs, Map<String, String> env, String name) {
    String option = "--etcd-" + name;
    return Setting.of(option, etcdArgs.get(option), env,
        "INBOARD_ETCD_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }

  private static String value(Setting setting) {
    return setting == null ? null : setting.value();
  }

  public boolean hasTokens() {
    return adminToken != null || agentToken != null;
  }

  @Override
  public String toString() {
    // Never print the tokens themselves.
    return "ServerOptions[port=" + port + ", bind=" + bind + ", "
        + (etcd == null ? "dataDir=" + dataDir : "etcd=" + etcd)
        + ", adminToken=" + (adminToken == null ? "none" : "set") + ", agentToken="
        + (agentToken == null ? "none" : "set") + "]";
  }

  private static int parsePort(String value) throws UsageException {
    try {
      int p = Integer.parseInt(value);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new UsageException("--port '" + value + "' is not a port number (0-65535)");
    }
  }

  private static String readToken(String file, String kind) throws UsageException {
    String t;
    try {
      t = Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      throw new UsageException("cannot read token file " + file + ": " + e.getMessage());
    }
    if (t.isEmpty()) {
      throw new UsageException("token file " + file + " is empty");
    }
    return visibleAscii(t, "the " + kind + " token in " + file);
  }

  /**
   * The token in {@code variable}, {@code null} when the variable is not set. Set but blank (a
   * secret that resolved to nothing) is refused like an empty token file: taking it for "no
   * tokens" would run the server open.
   */
  private static String variableToken(Map<String, String> env, String variable, String kind) throws UsageException {
    String value = env.get(variable);
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      throw new UsageException(variable + " is set but blank; give it the " + kind + " token, or unset it to"
          + " run without tokens (loopback only)");
    }
    return visibleAscii(value.trim(), "the " + kind + " token in " + variable);
  }

  /**
   * Bearer tokens are visible ASCII (RFC 6750 allows letters, digits and {@code -._~+/=}). A header
   * reaches the server as ISO-8859-1 text, so a token with other characters could never be
   * presented and every request would get 401: it is refused here, without echoing it.
   */
  private static String visibleAscii(String token, String what) throws UsageException {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new UsageException(what + " has a character that is not visible ASCII (at position " + (i + 1)
            + "); bearer tokens are ASCII letters, digits and punctuation without spaces (RFC 6750),"
            + " e.g. from 'openssl rand -hex 24'");
      }
    }
    return token;
  }
}
