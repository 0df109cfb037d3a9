package io.inboard.demo.walk;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The walk-through's one table: scenario, path, requests, share per version, stickiness, check. */
public final class ResultTable {

    /** One scenario measured on one path. */
    public record Row(Scenario scenario, TrafficPath path, Tally tally, Verdict verdict) {}

    private static final String[] HEADER = {"scenario", "path", "requests", "v1", "v2", "stickiness", "check"};

    private final List<Row> rows = new ArrayList<>();

    public void add(Row row) {
        rows.add(row);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public boolean allPassed() {
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.verdict().passed());
    }

    public void print(PrintStream out) {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Row r : rows) {
            cells.add(new String[] {
                    r.scenario().title(),
                    r.path().label(),
                    String.valueOf(r.tally().requests()),
                    percent(r.tally().share("v1")),
                    percent(r.tally().share("v2")),
                    r.verdict().stickiness(),
                    (r.verdict().passed() ? "ok   " : "FAIL ") + r.verdict().detail()});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (int n = 0; n < cells.size(); n++) {
            String[] row = cells.get(n);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 2 && i <= 4;
                String cell = numeric ? pad(row[i], width[i], true) : pad(row[i], width[i], false);
                line.append(cell).append(i == row.length - 1 ? "" : "  ");
            }
            out.println(line.toString().stripTrailing());
            if (n == 0) {
                out.println("-".repeat(line.toString().stripTrailing().length()));
            }
        }
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
