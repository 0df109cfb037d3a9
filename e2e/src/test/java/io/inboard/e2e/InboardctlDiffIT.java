package io.inboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.demo.walk.LocalMesh;
import io.inboard.demo.walk.Scenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inboardctl diff} against the real config server of the local mesh: the files in force
 * differ in nothing (exit 0), another scenario's files name each field an apply would change
 * (exit 1), a resource not stored yet would be created, an invalid file is an error (exit 2), and
 * nothing is ever stored by it.
 */
@ExtendWith(SharedMesh.class)
class InboardctlDiffIT {

    record Run(int exit, String out, String err) {}

    private static Run diff(String... files) throws Exception {
        LocalMesh mesh = SharedMesh.mesh();
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", mesh.jars().cli().toString(), "diff", "--server", mesh.configServerUrl().toString()));
        for (String file : files) {
            args.add("-f");
            args.add(file);
        }
        Process p = new ProcessBuilder(args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void showsWhatAnApplyWouldChangeAndChangesNothing(@TempDir Path dir) throws Exception {
        SharedMesh.apply(Scenario.GATEWAY_FILE);
        SharedMesh.apply(Scenario.CANARY.file());
        String gateway = SharedMesh.scenario(Scenario.GATEWAY_FILE).toString();
        long before = SharedMesh.mesh().controlPlane().revision();

        Run same = diff(gateway, SharedMesh.scenario(Scenario.CANARY.file()).toString());
        assertThat(same.exit()).as(same.err()).isZero();
        assertThat(same.out()).contains("virtualservice traffic-management/user-virtual-service unchanged")
                .doesNotContain("would");
        assertThat(same.err()).contains("no difference");

        Run dark = diff(gateway, SharedMesh.scenario(Scenario.DARK_RELEASE.file()).toString());
        assertThat(dark.exit()).as(dark.out() + dark.err()).isEqualTo(1);
        assertThat(dark.out()).contains("virtualservice traffic-management/user-virtual-service would change:")
                .containsPattern("\\n  [~+-] spec\\.http\\[0\\]");

        Path renamed = Files.writeString(dir.resolve("renamed.yaml"),
                Files.readString(SharedMesh.scenario(Scenario.CANARY.file()))
                        .replace("name: user-virtual-service", "name: user-virtual-service-copy"));
        Run created = diff(renamed.toString());
        assertThat(created.exit()).isEqualTo(1);
        assertThat(created.out()).contains("virtualservice traffic-management/user-virtual-service-copy would be created");

        Path invalid = Files.writeString(dir.resolve("invalid.yaml"),
                Files.readString(SharedMesh.scenario(Scenario.CANARY.file())).replace("weight: 90", "wieght: 90"));
        Run error = diff(invalid.toString());
        assertThat(error.exit()).isEqualTo(2);
        assertThat(error.err()).contains("wieght: unknown field");

        assertThat(SharedMesh.mesh().controlPlane().revision()).as("diff stores nothing").isEqualTo(before);
    }
}
