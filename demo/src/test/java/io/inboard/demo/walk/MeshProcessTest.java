package io.inboard.demo.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshProcessTest {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path runDir;

    @Test
    void aProcessThatExitsBeforeItIsReadyIsReportedWithTheEndOfItsLog() throws Exception {
        MeshProcess process = MeshProcess.start("short-lived", List.of(JAVA, "-version"), Map.of(), runDir);
        int closedPort = FreePorts.pick(1).get(0);

        assertThatThrownBy(() -> process.awaitHttp(URI.create("http://127.0.0.1:" + closedPort + "/"),
                Duration.ofSeconds(60)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("short-lived exited with status 0")
                .hasMessageContaining(runDir.resolve("short-lived.log").toString())
                .hasMessageContaining("version");
    }

    @Test
    void stopEndsTheProcessWhosePidWasRecorded() throws Exception {
        MeshProcess process = MeshProcess.start("sleeper", List.of("sleep", "60"), Map.of(), runDir);

        assertThat(Files.readString(runDir.resolve("pids"))).contains(process.pid() + " sleeper");
        assertThat(process.isAlive()).isTrue();
        process.stop(Duration.ofSeconds(5));

        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void freePortsAreDistinct() {
        assertThat(FreePorts.pick(9)).doesNotHaveDuplicates().hasSize(9);
    }
}
