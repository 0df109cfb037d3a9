package io.inboard.bench.wholepath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WholePathBenchTest {

  private static Setup setup(String name) {
    return new Setup(name, 0, List.of(), List.of(), List.of(), name);
  }

  @Test
  void eachRoundStartsOneSetUpLaterAndKeepsTheOthersInOrder() {
    List<Setup> setups = List.of(setup("a"), setup("b"), setup("c"));

    assertThat(WholePathBench.inTurn(setups, 0)).extracting(Setup::name).containsExactly("a", "b", "c");
    assertThat(WholePathBench.inTurn(setups, 1)).extracting(Setup::name).containsExactly("b", "c", "a");
    assertThat(WholePathBench.inTurn(setups, 4)).extracting(Setup::name).containsExactly("b", "c", "a");
    assertThat(setups).extracting(Setup::name).containsExactly("a", "b", "c"); // the caller's list untouched
  }

  @Test
  void aNumberedSetUpIsACopyOfItsKind() {
    assertThat(WholePathBench.kind("plain-2")).isEqualTo("plain");
    assertThat(WholePathBench.kind("inboard-12")).isEqualTo("inboard");
    assertThat(WholePathBench.kind("plain-canary")).isEqualTo("plain-canary");
    assertThat(WholePathBench.kind("plain-canary-2")).isEqualTo("plain-canary");
    assertThat(WholePathBench.kind("proxy")).isEqualTo("proxy");
  }
}
