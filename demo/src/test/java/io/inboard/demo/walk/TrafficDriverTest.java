package io.inboard.demo.walk;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.demo.ServiceSettings;
import io.inboard.demo.UserService;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The driver against real demo services on loopback, without any mesh in between. */
class TrafficDriverTest {

    private static UserService v1;
    private static UserService v2;
    private static UserService frontend;
    private static TrafficDriver driver;

    @BeforeAll
    static void start() throws Exception {
        TrafficDriver.allowHostHeader();
        v1 = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "user-v1", null));
        v2 = UserService.start(new ServiceSettings("127.0.0.1", 0, "v2", "user-v2", null));
        frontend = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "frontend",
                URI.create("http://127.0.0.1:" + v2.port() + "/")));
        driver = new TrafficDriver(4);
    }

    @AfterAll
    static void stop() throws Exception {
        driver.close();
        frontend.close();
        v2.close();
        v1.close();
    }

    @Test
    void talliesTheVersionAndInstanceThatAnswered() throws Exception {
        TrafficPath direct = new TrafficPath("v1 direct", URI.create("http://127.0.0.1:" + v1.port() + "/"),
                TrafficPath.USER_DOMAIN, false);

        Tally tally = driver.drive(direct, Scenario.repeated(5, 4));

        assertThat(tally.requests()).isEqualTo(20);
        assertThat(tally.failures()).isZero();
        assertThat(tally.share("v1")).isEqualTo(1.0);
        assertThat(tally.keys()).isEqualTo(5);
        assertThat(tally.keysOnOneInstance()).isEqualTo(5);
        assertThat(tally.instancesUsed()).containsExactly("user-v1");
    }

    @Test
    void throughTheFrontendTalliesTheDownstreamThatAnswered() throws Exception {
        Tally tally = driver.drive(TrafficPath.frontend(URI.create("http://127.0.0.1:" + frontend.port())),
                List.of(Probe.plain(), Probe.withHeader("mode", "dev")));

        assertThat(tally.failures()).isZero();
        assertThat(tally.share("v2")).isEqualTo(1.0);
        assertThat(tally.instancesUsed()).containsExactly("user-v2");
    }

    @Test
    void aRefusedConnectionIsAFailureWithItsReason() throws Exception {
        UserService gone = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "gone", null));
        int port = gone.port();
        gone.close();
        TrafficPath closed = new TrafficPath("closed", URI.create("http://127.0.0.1:" + port + "/"), null, false);

        Tally tally = driver.drive(closed, List.of(Probe.plain(), Probe.plain()));

        assertThat(tally.failures()).isEqualTo(2);
        assertThat(tally.share("v1")).isZero();
        assertThat(tally.problems()).allSatisfy(p -> assertThat(p).contains("ConnectException"));
    }

    @Test
    void anErrorStatusIsAFailureNamingTheStatus() throws Exception {
        TrafficPath missing = new TrafficPath("missing", URI.create("http://127.0.0.1:" + v1.port() + "/nope"),
                null, false);

        Answer answer = driver.send(missing, Probe.plain());

        assertThat(answer.ok()).isFalse();
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.problem()).contains("status 404");
    }
}
