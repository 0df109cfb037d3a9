package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizationTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/, /",
      "'', /",
      "/a/b/c, /a/b/c",
      "/public/../admin/users, /admin/users",
      "/a/./b/../c, /a/c",
      "/a/b/.., /a/",
      "/a/b/., /a/b/",
      "/a/.., /",
      "/.., /",
      "/../../etc/passwd, /etc/passwd",
      "/a//../b, /a/b",
      "/static//app.js, /static//app.js",
      "/repos/group%2Fproject/files, /repos/group%2Fproject/files",
      "/a%2F..%2Fb, /a%2F..%2Fb",
      "/public/%2e%2E/admin, /admin",
      "/%7Euser/%41%62%2D%5F, /~user/Ab-_",
      "/100%25/x, /100%25/x",
      "/a%20b, /a%20b",
      "/..a/.b/a.., /..a/.b/a..",
      "/a/..;/b, /a/..;/b",
      "/%zz/%4, /%zz/%4",
      "*, *",
      // Istio's own expectations for BASE (its listener tests):
      "/app\\admin, /app/admin",
      "/app/\\/\\/\\admin, /app//////admin",
      "/%5Capp%2f%5c%2F%2e%2e%2fadmin%5c\\abc, /%5Capp%2f%5c%2F..%2fadmin%5c/abc",
      "/xyz%30..//abc, /xyz0..//abc",
      "/app//../../admin, /admin",
      "/app/%2E./admin, /admin",
  })
  void normalizesAsEnvoysDefault(String raw, String normalized) {
    assertThat(PathNormalization.normalize(raw)).isEqualTo(normalized);
  }
}
