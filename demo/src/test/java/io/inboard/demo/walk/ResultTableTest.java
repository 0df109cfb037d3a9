package io.inboard.demo.walk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResultTableTest {

    @Test
    void printsOneRowPerScenarioAndPathWithSharesAndCheck() {
        Tally tally = new Tally();
        for (int i = 0; i < 9; i++) {
            tally.add(Probe.plain(), new Answer(200, "v1", "a", null));
        }
        tally.add(Probe.plain(), new Answer(200, "v2", "b", null));
        ResultTable table = new ResultTable();
        table.add(new ResultTable.Row(Scenario.CANARY, TrafficPath.gatewayUserDomain(URI.create("http://127.0.0.1:1")),
                tally, Scenario.CANARY.judge(tally)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[0]).startsWith("scenario").contains("requests").contains("stickiness");
        assertThat(lines[1]).matches("-+");
        assertThat(lines[2]).contains("10-canary").contains("gateway (user domain) /")
                .contains("90.0%").contains("10.0%").contains("FAIL"); // 10 requests are too few
        assertThat(table.allPassed()).isFalse();
    }
}
