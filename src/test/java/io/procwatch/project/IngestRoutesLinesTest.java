package io.procwatch.project;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.http.ApiError;
import io.procwatch.infra.Json;
import io.procwatch.project.ProcurementProject.Outcome;
import io.procwatch.rules.Finding;
import io.procwatch.rules.Severity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batch route's own splitting and answer writing give what the regular expression and the mapper gave: the same
 * lines (so the same line numbers; split in the body's UTF-8 bytes, among characters of one to four bytes), and byte for byte the same answer lines, on random bodies and outcomes.
 */
class IngestRoutesLinesTest {

  @Test
  void splitsLinesAsTheRegularExpressionDid() {
    Random r = new Random(3);
    String[] pieces = {"a", "{\"x\":1}", "", " ", "\r", "\n", "\r\n", "\n\r", "\r\r\n", "x\ry", "\u3000", "\t", "項目",
        "\uD83D\uDE00"};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder body = new StringBuilder();
      int n = r.nextInt(12);
      for (int k = 0; k < n; k++) body.append(pieces[r.nextInt(pieces.length)]);
      String b = body.toString();
      byte[] utf8 = b.getBytes(StandardCharsets.UTF_8);
      int[] bounds = IngestRoutes.lineBounds(utf8);
      List<String> lines = new ArrayList<>();
      for (int k = 0; k < bounds.length; k += 2) {
        lines.add(new String(utf8, bounds[k], bounds[k + 1] - bounds[k], StandardCharsets.UTF_8));
      }
      assertThat(lines).as(b.replace("\r", "\\r").replace("\n", "\\n")).isEqualTo(Arrays.asList(b.split("\r?\n", -1)));
    }
  }

  @Test
  void writesAnswerLinesAsTheMapperWroteTheirMaps() throws Exception {
    Random r = new Random(5);
    Stage[] stages = Stage.values();
    String[] texts = {"e-1", "項目-二", "quote\"back\\slash", "tab\tnew\nline", "\u0001ctl", "emoji \uD83D\uDE00", ""};
    for (int i = 0; i < 2_000; i++) {
      int n = 1 + r.nextInt(20);
      Object[] results = new Object[n];
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      for (int k = 0; k < n; k++) {
        int line = k + 1;
        Object answer;
        Object formerly;
        switch (r.nextInt(4)) {
          case 0 -> {
            answer = null; // a blank line
            formerly = null;
          }
          case 1 -> {
            ApiError error = new ApiError(409, "EVENT_ID_REUSED", texts[r.nextInt(texts.length)],
                r.nextBoolean() ? null : "eventId");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", line);
            m.put("status", error.status());
            m.put("result", Outcome.REJECTED);
            if (r.nextBoolean()) m.put("eventId", texts[r.nextInt(texts.length)]);
            m.putAll(error.body());
            answer = m;
            formerly = m;
          }
          default -> {
            List<Finding> flags = new ArrayList<>();
            int f = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 0;
            for (int j = 0; j < f; j++) {
              flags.add(new Finding("DL0" + j, Severity.values()[r.nextInt(Severity.values().length)],
                  r.nextBoolean() ? null : texts[r.nextInt(texts.length)], texts[r.nextInt(texts.length)]));
            }
            Outcome o = new Outcome(texts[r.nextInt(texts.length)], f > 0 ? Outcome.FLAGGED : Outcome.APPLIED,
                stages[r.nextInt(stages.length)], List.copyOf(flags), null);
            String projectId = texts[r.nextInt(texts.length)];
            answer = new IngestRoutes.LineAccepted(line, projectId, o);
            // the map the route used to write for an accepted line
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", line);
            m.put("status", 202);
            m.put("result", o.result());
            m.put("eventId", o.eventId());
            m.put("projectId", projectId);
            m.put("stage", o.stage());
            m.put("flags", o.flags());
            formerly = m;
          }
        }
        results[k] = answer;
        if (formerly != null) {
          Json.mapper().writeValue(expected, formerly);
          expected.write('\n');
        }
      }
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      IngestRoutes.writeLines(results, got);
      assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString(StandardCharsets.UTF_8));
    }
  }
}
