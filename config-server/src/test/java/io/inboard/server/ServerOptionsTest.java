package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store options: the file store by default, etcd by option or variable, bad values named. */
class ServerOptionsTest {
  private static ServerOptions parse(Map<String, String> env, String... args) throws Exception {
    return ServerOptions.parse(args, env);
  }

  @Test
  void theFileStoreIsTheDefault() throws Exception {
    ServerOptions o = parse(Map.of());
    assertThat(o.etcd()).isNull();
    assertThat(o.dataDir().toString()).isEqualTo(ServerOptions.DEFAULT_DATA_DIR);
  }

  @Test
  void etcdTakesEndpointsAndAPrefixFromOptions() throws Exception {
    ServerOptions o = parse(Map.of(), "--store", "etcd", "--etcd-endpoints", "http://10.0.0.1:2379, http://10.0.0.2",
        "--etcd-prefix=/mesh-a");
    assertThat(o.etcd().endpoints()).containsExactly(URI.create("http://10.0.0.1:2379"), URI.create("http://10.0.0.2:2379"));
    assertThat(o.etcd().prefix()).isEqualTo("/mesh-a/");
    assertThat(o.toString()).contains("etcd=[http://10.0.0.1:2379, http://10.0.0.2:2379]").doesNotContain("dataDir");
  }

  @Test
  void etcdFromVariablesWithOptionsTakingPrecedence() throws Exception {
    Map<String, String> env = Map.of("INBOARD_STORE", "etcd", "INBOARD_ETCD_ENDPOINTS", "http://etcd-0:2379",
        "INBOARD_ETCD_PREFIX", "/from-env/");
    ServerOptions fromEnv = parse(env);
    assertThat(fromEnv.etcd()).isEqualTo(new EtcdOptions(List.of(URI.create("http://etcd-0:2379")), "/from-env/"));
    ServerOptions overridden = parse(env, "--etcd-endpoints", "http://127.0.0.1:2379");
    assertThat(overridden.etcd().endpoints()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(parse(env, "--store", "file").etcd()).isNull();
  }

  @Test
  void etcdWithoutEndpointsUsesEtcdsOwnDefault() throws Exception {
    assertThat(parse(Map.of(), "--store", "etcd").etcd())
        .isEqualTo(new EtcdOptions(List.of(URI.create("http://127.0.0.1:2379")), "/inboard/"));
  }

  @Test
  void badStoreValuesAreRefusedWithWhatToGiveInstead() {
    assertThatThrownBy(() -> parse(Map.of(), "--store", "consul"))
        .hasMessage("--store 'consul' is not a store; use file (the default) or etcd");
    assertThatThrownBy(() -> parse(Map.of("INBOARD_STORE", "etc")))
        .hasMessageStartingWith("INBOARD_STORE 'etc' is not a store");
    assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "http://127.0.0.1:2379"))
        .hasMessageContaining("--etcd-endpoints is for the etcd store; add --store etcd");
    assertThatThrownBy(() -> parse(Map.of(), "--store", "etcd", "--data-dir", "/var/lib/inboard"))
        .hasMessageContaining("--data-dir is for the file store");
    assertThatThrownBy(() -> parse(Map.of(), "--store", "etcd", "--etcd-endpoints", "127.0.0.1:2379"))
        .hasMessageContaining("'127.0.0.1:2379' is not a URL")
        .hasMessageContaining("give etcd client URLs like http://127.0.0.1:2379");
    assertThatThrownBy(() -> parse(Map.of(), "--store", "etcd", "--etcd-endpoints", "localhost:2379"))
        .hasMessageContaining("'localhost:2379' is not an http:// or https:// URL with a host");
    assertThatThrownBy(() -> parse(Map.of(), "--store", "etcd", "--etcd-endpoints", "http://a:2379,,http://b:2379"))
        .hasMessageContaining("has an empty entry");
    assertThatThrownBy(() -> parse(Map.of(), "--store", "etcd", "--etcd-endpoints", "http://a:2379/v3"))
        .hasMessageContaining("has more than scheme, host and port");
    assertThatThrownBy(() -> parse(Map.of(), "--store", "etcd", "--etcd-prefix", "inboard"))
        .hasMessageContaining("--etcd-prefix 'inboard' must start with '/'");
  }
}
