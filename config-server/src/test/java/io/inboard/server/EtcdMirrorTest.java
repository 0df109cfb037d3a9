package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a replica's copy follows etcd's events: a new revision is published when the revision key
 * moves, with every change of that etcd revision; a change without it (an expired lease) waits to
 * be recorded.
 */
class EtcdMirrorTest {
  private static final EtcdKeys KEYS = new EtcdKeys("/inboard/");
  private static final Instance USER = new Instance("user-1", "user", "ns", "10.0.0.1", 8080, Map.of("version", "v1"));

  private static EtcdGateway.Event put(String key, String value, long revision, long lease) {
    return new EtcdGateway.Event(false,
        new EtcdGateway.KeyValue(key, value.getBytes(StandardCharsets.UTF_8), revision, lease));
  }

  private static EtcdGateway.Event delete(String key, long revision) {
    return new EtcdGateway.Event(true, new EtcdGateway.KeyValue(key, new byte[0], revision, 0));
  }

  private static EtcdGateway.Event registration(Instance i, long revision, long lease) {
    return put(KEYS.instance(i.namespace(), i.id()), new String(EtcdMirror.instanceValue(i, 30), StandardCharsets.UTF_8),
        revision, lease);
  }

  private static String gateway(long version) {
    return "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"gw\","
        + "\"namespace\":\"ns\",\"resourceVersion\":\"" + version + "\"},\"spec\":{\"selector\":{\"istio\":\"ingressgateway\"},"
        + "\"servers\":[{\"port\":{\"number\":80,\"name\":\"http\",\"protocol\":\"HTTP\"},\"hosts\":[\"*\"]}]}}";
  }

  private final List<Long> published = new ArrayList<>();

  private EtcdMirror mirror(EtcdGateway.Range range) throws Exception {
    EtcdMirror m = new EtcdMirror(KEYS, range);
    m.onPublish(p -> published.add(p.revision()));
    return m;
  }

  @Test
  void everyChangeOfOneEtcdRevisionIsPublishedOnceWithTheRevisionKey() throws Exception {
    EtcdMirror m = mirror(new EtcdGateway.Range(1, List.of()));
    m.apply(List.of(
        put("/inboard/resources/gateways/ns/gw", gateway(1), 2, 0),
        registration(USER, 2, 7),
        put(KEYS.revision(), "1", 2, 0)));
    assertThat(published).containsExactly(1L);
    assertThat(m.current().resources()).extracting(r -> r.key().name()).containsExactly("gw");
    assertThat(m.current().instances()).containsExactly(USER);
    assertThat(m.view().revisionKeyModRevision()).isEqualTo(2);
    assertThat(m.unrecordedChange()).isFalse();
  }

  @Test
  void anExpiredLeaseIsAppliedButPublishedOnlyWhenTheRevisionMovesForIt() throws Exception {
    EtcdMirror m = mirror(new EtcdGateway.Range(1, List.of()));
    m.apply(List.of(registration(USER, 2, 7), put(KEYS.revision(), "1", 2, 0)));
    m.apply(List.of(delete(KEYS.instance("ns", "user-1"), 3)));
    assertThat(published).containsExactly(1L);
    assertThat(m.current().instances()).as("revision 1 still means what it meant").containsExactly(USER);
    assertThat(m.unrecordedChange()).isTrue();

    m.apply(List.of(put(KEYS.revision(), "2", 4, 0)));
    assertThat(published).containsExactly(1L, 2L);
    assertThat(m.current().instances()).isEmpty();
    assertThat(m.unrecordedChange()).isFalse();
  }

  @Test
  void theSameInstanceOnANewLeaseIsNoChange() throws Exception {
    EtcdMirror m = mirror(new EtcdGateway.Range(1, List.of()));
    m.apply(List.of(registration(USER, 2, 7), put(KEYS.revision(), "1", 2, 0)));
    m.apply(List.of(registration(USER, 3, 8)));
    assertThat(m.unrecordedChange()).isFalse();
    assertThat(m.view().instances().get("ns/user-1").lease()).isEqualTo(8);
  }

  @Test
  void eventsAlreadyAppliedAreSkippedWhenAWatchResumes() throws Exception {
    EtcdMirror m = mirror(new EtcdGateway.Range(5, List.of(
        put(KEYS.revision(), "3", 5, 0).kv(),
        put("/inboard/resources/gateways/ns/gw", gateway(3), 5, 0).kv())));
    m.apply(List.of(delete("/inboard/resources/gateways/ns/gw", 5)));
    assertThat(m.current().resources()).hasSize(1);
    assertThat(m.current().revision()).isEqualTo(3);
  }

  @Test
  void aStartAfterEtcdMovedPastTheRevisionKeyCountsAsAnUnrecordedChange() throws Exception {
    List<EtcdGateway.KeyValue> kvs = List.of(put(KEYS.revision(), "3", 5, 0).kv());
    assertThat(mirror(new EtcdGateway.Range(5, kvs)).unrecordedChange()).isFalse();
    assertThat(mirror(new EtcdGateway.Range(9, kvs)).unrecordedChange())
        .as("a lease may have expired while no replica watched").isTrue();
    assertThat(mirror(new EtcdGateway.Range(9, List.of())).unrecordedChange()).as("nothing stored yet").isFalse();
  }
}
