package io.procwatch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a JVM of its own by {@link CommonPoolTest} (the common pool is configured once per JVM, before first use):
 * with argument {@code configured} it applies {@link Main#configureCommonPool} first, as {@code Main} does. Prints the
 * pool's parallelism, the class of its worker threads, and how many of 20 tasks, run one after the other on the pool
 * with the worker idle in between, found a thread-local value that an earlier task had left on the same worker (the
 * pool has at most a few workers, so some worker runs several of them).
 */
public final class CommonPoolProbe {
  private static final ThreadLocal<String> LEFT = new ThreadLocal<>();

  /** A factory named explicitly on the command line, to check that Main leaves it in place. */
  public static final class Explicit implements java.util.concurrent.ForkJoinPool.ForkJoinWorkerThreadFactory {
    @Override
    public java.util.concurrent.ForkJoinWorkerThread newThread(ForkJoinPool pool) {
      return new java.util.concurrent.ForkJoinWorkerThread(pool) {};
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("configured")) Main.configureCommonPool(2);
    AtomicInteger found = new AtomicInteger();
    String[] worker = new String[1];
    for (int i = 0; i < 20; i++) {
      Thread ran = CompletableFuture.supplyAsync(() -> {
        worker[0] = Thread.currentThread().getClass().getName();
        String mine = Thread.currentThread().getName();
        if (mine.equals(LEFT.get())) found.incrementAndGet();
        LEFT.set(mine);
        return Thread.currentThread();
      }).get();
      // the next task only once this one's worker has gone idle (parked), as between a service's requests: a worker
      // that finds the next task while still scanning runs it before its thread locals are erased
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (ran.getState() == Thread.State.RUNNABLE && System.nanoTime() < deadline) Thread.onSpinWait();
    }
    System.out.println("parallelism=" + ForkJoinPool.getCommonPoolParallelism());
    System.out.println("tasksThatFoundAThreadLocal=" + found.get());
    System.out.println("worker=" + worker[0]);
  }
}
