package io.inboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.inboard.demo.walk.LocalMesh;
import io.inboard.demo.walk.Probe;
import io.inboard.demo.walk.Rollout;
import io.inboard.demo.walk.Scenario;
import io.inboard.demo.walk.Tally;
import io.inboard.demo.walk.TrafficDriver;
import io.inboard.demo.walk.TrafficPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The command line that k8s/scenarios/*&#47;apply-job.yaml runs, run here against the local mesh
 * with only its in-cluster paths and address mapped to local ones: the Job really switches the scenario.
 */
@ExtendWith(SharedMesh.class)
class KubernetesJobIT {

    private static final String IN_CLUSTER_SERVER = "http://inboard-config-server.traffic-management.svc:15010";

    @Test
    void theDarkReleaseJobsInboardctlCommandSwitchesTheMesh() throws Exception {
        LocalMesh mesh = SharedMesh.mesh();
        SharedMesh.apply(Scenario.GATEWAY_FILE);
        SharedMesh.apply(Scenario.CANARY.file());
        Path checkout = Path.of(System.getProperty("inboard.checkout", ".."));
        JsonNode command = new ObjectMapper(new YAMLFactory())
                .readTree(checkout.resolve("k8s/scenarios/40-dark-release/apply-job.yaml").toFile())
                .at("/spec/template/spec/containers/0/command");
        List<String> args = new ArrayList<>();
        for (JsonNode arg : command) {
            args.add(arg.asText()
                    .replace("/app/inboardctl.jar", mesh.jars().cli().toString())
                    .replace(IN_CLUSTER_SERVER, mesh.configServerUrl().toString())
                    .replace("/scenario/", SharedMesh.scenario("x").getParent() + "/"));
        }
        assertThat(args).first().isEqualTo("java");
        args.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        long before = mesh.controlPlane().revision();

        Process inboardctl = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(inboardctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(inboardctl.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(inboardctl.exitValue()).as("inboardctl %s said: %s", args, output).isZero();
        assertThat(output).contains("traffic-management/user-virtual-service");
        long after = mesh.controlPlane().revision();
        assertThat(after).isGreaterThan(before);
        Rollout.await(mesh.adminUrls(), after, Duration.ofSeconds(20));
        try (TrafficDriver driver = new TrafficDriver(2)) {
            Tally dev = driver.drive(TrafficPath.gatewayUserDomain(mesh.gatewayUrl()),
                    Collections.nCopies(20, Probe.withHeader("mode", "dev")));
            assertThat(dev.versionsByKey()).containsEntry("mode=dev", Set.of("v2"));
        }
    }
}
