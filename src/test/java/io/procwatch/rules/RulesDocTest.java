package io.procwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * docs/rules.md is generated from conf/; this fails when someone changes one without the other. Run with
 * {@code -Dprocwatch.docs.write=true} to regenerate the file instead (see {@link RulesDoc#REGENERATE}).
 */
class RulesDocTest {

  @Test
  void docs_rules_md_is_what_RulesDoc_generates_from_conf() throws IOException {
    String generated = RulesDoc.render(RulesDoc.CONF_DIR);
    if (Boolean.getBoolean("procwatch.docs.write")) {
      RulesDoc.write(RulesDoc.CONF_DIR, RulesDoc.OUTPUT);
    }

    assertThat(RulesDoc.OUTPUT).as("%s is missing; generate it with: %s", RulesDoc.OUTPUT, RulesDoc.REGENERATE).exists();
    assertThat(Files.readString(RulesDoc.OUTPUT, StandardCharsets.UTF_8))
        .as("%s is out of date with conf/; regenerate it with: %s", RulesDoc.OUTPUT, RulesDoc.REGENERATE)
        .isEqualTo(generated);
  }

  @Test
  void the_docs_cover_every_rule_and_profile() {
    String generated = RulesDoc.render(RulesDoc.CONF_DIR);

    for (RuleId id : RuleId.values()) {
      assertThat(generated).contains("| " + id + " |");
    }
    assertThat(generated).contains("### chongqing-2024 (active)", "### central-2020", "| 4,000,000 |");
  }
}
