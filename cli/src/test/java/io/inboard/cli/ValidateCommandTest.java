package io.inboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code inboardctl validate}, run in-process as a user would run it. */
class ValidateCommandTest {

  /** What one run printed and returned. */
  record Run(int exitCode, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }

    List<String> errorLines() {
      return out.lines().filter(l -> l.startsWith("ERROR ")).toList();
    }
  }

  static synchronized Run inboardctl(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Inboardctl.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static String resource(String name) {
    try {
      return Path.of(ValidateCommandTest.class.getResource("/" + name).toURI()).toString();
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("missing test resource " + name, e);
    }
  }

  @Test
  void fiveMistakesGiveFiveErrorsEachWithItsPath() {
    Run run = inboardctl("validate", "-f", resource("five-mistakes.yaml"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errorLines()).hasSize(5);
    assertThat(run.errorLines()).extracting(l -> l.substring(0, l.indexOf(": ")))
        .containsExactly(
            "ERROR VirtualService bookinfo/reviews spec.http[0].match[0].headers.end-user.regex",
            "ERROR VirtualService bookinfo/reviews spec.http[0].route[0].destination.subset",
            "ERROR VirtualService bookinfo/reviews spec.http[1].route[0].wieght",
            "ERROR VirtualService bookinfo/reviews spec.http[1].timeout",
            "ERROR DestinationRule bookinfo/reviews spec.subsets[1].name");
    assertThat(run.errorLines().get(0)).contains("invalid RE2 regex '(jason' at position 0");
    assertThat(run.errorLines().get(2)).endsWith("unknown field; did you mean weight?");
    assertThat(run.lines()).last().isEqualTo("invalid: 5 errors, 1 warning in 1 file");
  }

  @ParameterizedTest
  @ValueSource(strings = {"00-gateway.yaml", "10-canary.yaml", "20-consistent-hash.yaml",
      "30-sticky-canary.yaml", "40-dark-release.yaml"})
  void everyScenarioFileIsValid(String file) {
    Run run = inboardctl("validate", "-f", resource("scenarios/" + file));
    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.errorLines()).isEmpty();
    assertThat(run.lines()).last().asString().startsWith("valid: ");
  }

  @Test
  void filesAreValidatedTogether() {
    // Alone, 10-canary.yaml names a gateway it does not define; with 00-gateway.yaml it is found.
    Run alone = inboardctl("validate", "-f", resource("scenarios/10-canary.yaml"));
    assertThat(alone.out()).contains("no Gateway traffic-management/microservice-gateway");

    Run together = inboardctl("validate", "-f", resource("scenarios/00-gateway.yaml"),
        resource("scenarios/10-canary.yaml"));
    assertThat(together.exitCode()).isZero();
    assertThat(together.lines()).containsExactly("valid: 4 resources in 2 files");
  }

  @Test
  void severalFilesNameTheFileOnEachLine() {
    String five = resource("five-mistakes.yaml");
    Run run = inboardctl("validate", "-f", resource("scenarios/00-gateway.yaml"), "-f", five);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errorLines()).hasSize(5).allMatch(l -> l.startsWith("ERROR " + five + " "));
  }

  @Test
  void instancesFileAddsWarningsAboutEmptySubsets() {
    Run run = inboardctl("validate", "-f", resource("scenarios/00-gateway.yaml"),
        resource("scenarios/10-canary.yaml"), "--instances", resource("instances-missing-v2.yaml"));
    assertThat(run.exitCode()).isZero();
    assertThat(run.lines()).containsExactly(
        "WARNING DestinationRule traffic-management/user-destination-rule spec.subsets[1].labels: "
            + "subset 'v2' selects no known instance of "
            + "user.traffic-management.svc.cluster.local (none has version=v2); requests to it "
            + "would get 503",
        "valid: 4 resources in 2 files, 1 warning");
  }

  @Test
  void syntaxErrorIsAnErrorLineWithItsPlace(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "kind: VirtualService\nspec: [a, b\n");
    Run run = inboardctl("validate", "-f", file.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errorLines()).singleElement().asString()
        .startsWith("ERROR line 2, column 12: while parsing a flow sequence");
  }

  @Test
  void dashReadsStandardInput() throws IOException {
    java.io.InputStream oldIn = System.in;
    try {
      System.setIn(Files.newInputStream(Path.of(resource("five-mistakes.yaml"))));
      Run run = inboardctl("validate", "-f", "-");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.errorLines()).hasSize(5);
    } finally {
      System.setIn(oldIn);
    }
  }

  @Test
  void missingFileIsBadInputWithExitCode2(@TempDir Path dir) {
    String missing = dir.resolve("nope.yaml").toString();
    Run run = inboardctl("validate", "-f", resource("scenarios/00-gateway.yaml"), missing);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read " + missing + ": no such file");
  }

  @Test
  void directoryIsBadInputWithExitCode2(@TempDir Path dir) {
    Run run = inboardctl("validate", "-f", dir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read " + dir + ": it is a directory");
  }

  @Test
  void invalidInstancesFileIsBadInputWithExitCode2(@TempDir Path dir) throws IOException {
    Path instances = dir.resolve("instances.yaml");
    Files.writeString(instances, "- {service: user, port: 8080}\n");
    Run run = inboardctl("validate", "-f", resource("scenarios/00-gateway.yaml"),
        "--instances", instances.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(instances + ": invalid instances file: [0].address: missing");
  }

  @Test
  void withoutFilesItIsAUsageError() {
    Run run = inboardctl("validate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--filename=FILE'");
  }

  @Test
  void sameResourceInTwoFilesIsAWarningAndTheLaterWins() {
    Run run = inboardctl("validate", "-f", resource("scenarios/10-canary.yaml"),
        resource("scenarios/40-dark-release.yaml"), resource("scenarios/00-gateway.yaml"));
    assertThat(run.exitCode()).isZero();
    assertThat(run.lines()).filteredOn(l -> l.contains("also defined in")).hasSize(3);
    assertThat(Arrays.asList(run.out().split("\n"))).last().asString()
        .isEqualTo("valid: 4 resources in 3 files, 3 warnings");
  }
}
