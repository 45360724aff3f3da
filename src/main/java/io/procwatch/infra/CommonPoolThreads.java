package io.procwatch.infra;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Worker threads for {@link ForkJoinPool#commonPool()} that keep their thread-local values between tasks.
 *
 * <p>The JDK's own common-pool workers (JDK 17) erase every {@link ThreadLocal} when they go idle between tasks
 * ({@code CommonPoolTest}). Much of the
 * ingest route runs there: Pekko's Java API answers an ask with Scala's {@code CompletionStage}, which runs even
 * {@code thenApply} asynchronously on the common pool, so a batch's parsing and a single event's 202 answer happen on
 * these threads. With the erasure, Jackson's thread-local buffer recycler started empty for every task: each answer
 * allocated its generator's 8 kB byte buffer and 4 kB char buffer anew (6% of the single mode's allocation in a
 * profile; 500 bytes per answer on a thread that keeps them), and the parser's buffers likewise. Nothing of ours keeps
 * a value in a thread local that one task could leave for another to misread: the caches held in thread locals are keyed
 * by their full inputs ({@code DeadlineRules}) or are pools of scratch buffers (Jackson).
 *
 * <p>Installed by {@code Main} through {@code java.util.concurrent.ForkJoinPool.common.threadFactory} before anything
 * touches the common pool; an explicit {@code -D} setting wins.
 */
public final class CommonPoolThreads implements ForkJoinPool.ForkJoinWorkerThreadFactory {

  public static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.threadFactory";

  @Override
  public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
    // the protected constructor makes a worker that does not clear its thread locals; the pool names and daemonises it
    return new ForkJoinWorkerThread(pool) {};
  }
}
