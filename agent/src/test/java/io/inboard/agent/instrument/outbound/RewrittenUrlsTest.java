package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class RewrittenUrlsTest {
  private final RewrittenUrls urls = new RewrittenUrls();

  @Test
  void theInstanceReplacesHostAndPortAndKeepsPathAndQuery() {
    HttpUrl rewritten = urls.rewrite(HttpUrl.get("http://user/list?page=2#top"), "127.0.0.1", 8081, null);

    assertThat(rewritten.toString()).isEqualTo("http://127.0.0.1:8081/list?page=2#top");
  }

  @Test
  void aRewrittenPathReplacesTheRequestsPath() {
    HttpUrl rewritten = urls.rewrite(HttpUrl.get("http://user/old/list?x=1"), "10.0.0.7", 80, "/new/list");

    assertThat(rewritten.toString()).isEqualTo("http://10.0.0.7/new/list?x=1");
  }

  @Test
  void theSameCallToTheSameInstanceIsFoundAgainWithoutBuildingAUrl() {
    HttpUrl first = urls.rewrite(HttpUrl.get("http://user/list"), "127.0.0.1", 8081, null);
    // A new but equal URL, as an application building its request afresh each time gives.
    HttpUrl again = urls.rewrite(HttpUrl.get("http://user/" + "list"), new String("127.0.0.1"), 8081, null);

    assertThat(again).isSameAs(first);
  }

  @Test
  void anotherInstancePortPathOrUrlIsNotConfusedWithOneSeenBefore() {
    HttpUrl url = HttpUrl.get("http://user/list");
    urls.rewrite(url, "127.0.0.1", 8081, null);

    assertThat(urls.rewrite(url, "127.0.0.2", 8081, null).toString()).isEqualTo("http://127.0.0.2:8081/list");
    assertThat(urls.rewrite(url, "127.0.0.1", 8082, null).toString()).isEqualTo("http://127.0.0.1:8082/list");
    assertThat(urls.rewrite(url, "127.0.0.1", 8081, "/other").toString()).isEqualTo("http://127.0.0.1:8081/other");
    assertThat(urls.rewrite(HttpUrl.get("http://user/list?q=1"), "127.0.0.1", 8081, null).toString())
        .isEqualTo("http://127.0.0.1:8081/list?q=1");
  }

  @Test
  void manyDifferentUrlsAreEachRewrittenCorrectly() {
    // More URLs than the table has slots: collisions replace entries and never mix them up.
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 500; i++) {
        HttpUrl rewritten = urls.rewrite(HttpUrl.get("http://user/item/" + i), "127.0.0.1", 9000 + i % 7, null);
        assertThat(rewritten.toString()).isEqualTo("http://127.0.0.1:" + (9000 + i % 7) + "/item/" + i);
      }
    }
  }
}
