package io.inboard.core.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XxHash64Test {
  @Test
  void matchesTheReferenceVectors() {
    assertThat(XxHash64.hash("", 0)).isEqualTo(0xEF46DB3751D8E999L);
    assertThat(XxHash64.hash("a", 0)).isEqualTo(0xD24EC4F1A98C6E5BL);
    assertThat(XxHash64.hash("abc", 0)).isEqualTo(0x44BC2CF5AD770999L);
    assertThat(XxHash64.hash("xxhash", 0)).isEqualTo(0x32DD38952C4BC720L);
    assertThat(XxHash64.hash("xxhash", 20141025)).isEqualTo(0xB559B98D844E0635L);
    // 39 bytes: exercises the 32-byte stripes and the 8-byte tail.
    assertThat(XxHash64.hash("Nobody inspects the spammish repetition", 0)).isEqualTo(0xFBCEA83C8A378BF1L);
  }

  @Test
  void stringAndByteFormsAgreeForEveryLength() {
    StringBuilder ascii = new StringBuilder();
    for (int len = 0; len < 100; len++) {
      String s = ascii.toString();
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertThat(XxHash64.hash(s, 7)).as("length %d", len).isEqualTo(XxHash64.hash(b, 7));
      ascii.append((char) ('a' + len % 26));
    }
  }

  @Test
  void nonAsciiTextIsHashedAsUtf8() {
    String s = "grüße-ユーザー";
    assertThat(XxHash64.hash(s, 0)).isEqualTo(XxHash64.hash(s.getBytes(StandardCharsets.UTF_8), 0));
    assertThat(XxHash64.hash(s, 0)).isNotEqualTo(XxHash64.hash("grusse", 0));
  }

  @Test
  void theSeedChangesTheHash() {
    assertThat(XxHash64.hash("alice", 0)).isNotEqualTo(XxHash64.hash("alice", 1));
  }
}
