package io.procwatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How {@code Main} sets up the common fork-join pool, checked in fresh JVMs ({@link CommonPoolProbe}): parallelism 2
 * on a small machine, and workers that keep their thread locals between tasks — which the JDK's own workers do not
 * (the control run), so Jackson's buffer recycling, a thread local, worked nowhere on the pool.
 */
class CommonPoolTest {

  @Test
  void theJdksOwnWorkersEraseThreadLocalsAfterTheirTasks() throws Exception {
    String out = probe(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"), "plain");
    assertThat(found(out)).isZero();
  }

  @Test
  void mainsWorkersKeepThemAndParallelismIsTwoOnASmallMachine() throws Exception {
    String out = probe(List.of(), "configured");
    assertThat(out).contains("parallelism=2", "worker=io.procwatch.infra.CommonPoolThreads");
    // 20 tasks one after another on at most 2 workers: at least 18 follow an earlier task on their worker, and find
    // what it left although the worker went idle in between
    assertThat(found(out)).isGreaterThanOrEqualTo(18);
  }

  @Test
  void explicitSettingsWin() throws Exception {
    String out = probe(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=3",
        "-Djava.util.concurrent.ForkJoinPool.common.threadFactory=" + CommonPoolProbe.Explicit.class.getName()), "configured");
    assertThat(out).contains("parallelism=3", "worker=" + CommonPoolProbe.Explicit.class.getName() + "$");
  }

  private static int found(String out) {
    return Integer.parseInt(out.replaceAll("(?s).*tasksThatFoundAThreadLocal=(\\d+).*", "$1"));
  }

  private static String probe(List<String> jvmOptions, String mode) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CommonPoolProbe.class.getName());
    command.add(mode);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
