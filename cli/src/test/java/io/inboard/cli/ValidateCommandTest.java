package io.inboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.parse.ResourceParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
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
  void aDirectoryIsReadAsApplyReadsIt(@TempDir Path dir) throws IOException {
    Run empty = inboardctl("validate", "-f", dir.toString());
    assertThat(empty.exitCode()).as("no resource file in it").isEqualTo(2);

    Files.writeString(dir.resolve("a.yaml"), destinationRule("a"));
    Run run = inboardctl("validate", "-f", dir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("valid: 1 resource in 1 file");
  }

  @Test
  void moreResourcesThanOneApplyTakesAreValidWithAWarning(@TempDir Path dir) throws IOException {
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      a.append(destinationRule("a" + i)).append("---\n");
      b.append(destinationRule("b" + i)).append("---\n");
    }
    Files.writeString(dir.resolve("a.yaml"), a);
    Files.writeString(dir.resolve("b.yaml"), b);

    Run run = inboardctl("validate", "-f", dir.resolve("a.yaml").toString(), dir.resolve("b.yaml").toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("WARNING: 120 resources: more than the 100 one apply takes");
  }

  private static String destinationRule(String name) {
    return "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: " + name
        + "\n  namespace: many\nspec:\n  host: " + name + ".many.svc.cluster.local\n";
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

  /** A sparse file of {@code size} bytes: takes no disk space. */
  static Path sparseFile(Path dir, long size) throws IOException {
    Path huge = dir.resolve("huge.yaml");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(size);
    }
    return huge;
  }

  /** A file too large to read is unreadable input: exit 2 and one line, not an OutOfMemoryError. */
  @Test
  void hugeFileIsBadInputWithExitCode2(@TempDir Path dir) throws IOException {
    Path huge = sparseFile(dir, 3L * 1024 * 1024 * 1024);
    Run run;
    try {
      run = inboardctl("validate", "-f", huge.toString());
    } catch (OutOfMemoryError e) { // caught here, or surefire takes the whole fork down
      throw new AssertionError("validate -f " + huge + " threw " + e, e);
    }
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("inboardctl validate: cannot read " + huge + ": it is 3221225472 bytes,"
        + " larger than the 16 MiB a resource file may be; split it into several files");
  }

  @Test
  void fileJustUnderTheLimitIsRead(@TempDir Path dir) throws IOException {
    Path big = sparseFile(dir, ResourceFiles.MAX_BYTES); // all zero bytes: read, then refused by the parser
    Run run = inboardctl("validate", "-f", big.toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.out()).contains("more than the " + ResourceParser.MAX_CHARS + " allowed");
  }

  /** As explain and apply: a file that is not UTF-8 cannot be read (exit 2), and the message says why. */
  @Test
  void nonUtf8FileIsBadInputWithExitCode2(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, "metadata: {name: caf\u00e9}\n".getBytes(StandardCharsets.ISO_8859_1));
    Run run = inboardctl("validate", "-f", file.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read " + file + ": it is not valid UTF-8 (bad byte at offset 20);"
        + " save it as UTF-8");
  }

  /**
   * validate says the same resource in two files is fine ("applied together, this one replaces
   * it", exit 0); apply sends the files' resources in a body the parser (and so the config server)
   * takes without error.
   */
  @Test
  void whatValidatePassesApplyAccepts() throws IOException {
    List<String> files = List.of(resource("scenarios/00-gateway.yaml"), resource("scenarios/10-canary.yaml"),
        resource("scenarios/40-dark-release.yaml"));
    Run run = inboardctl("validate", "-f", files.get(0), files.get(1), files.get(2));
    assertThat(run.exitCode()).isZero();

    var applied = ResourceParser.parse(ApplyCommand.body(ResourceFiles.parse(ResourceFiles.readAll(files, true))), "");
    assertThat(applied.diagnostics()).filteredOn(d -> d.isError()).isEmpty();
    assertThat(applied.resources()).hasSize(4);
  }

  /** An empty file holds no resource: the config server refuses it ("holds no document"), and so does validate. */
  @Test
  void emptyFileIsNotValid(@TempDir Path dir) throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.yaml"));
    Path comments = Files.writeString(dir.resolve("comments.yaml"), "# nothing yet\n---\n");
    Run run = inboardctl("validate", "-f", empty.toString());
    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    assertThat(run.out()).contains("ERROR " + empty + ": holds no document")
        .endsWith("invalid: 1 error, 0 warnings in 1 file\n");
    Run two = inboardctl("validate", "-f", resource("scenarios/00-gateway.yaml"), comments.toString());
    assertThat(two.exitCode()).as(two.out()).isEqualTo(1);
    assertThat(two.out()).contains("ERROR " + comments + ": holds no document");
  }
}
