# bench/lib/ticks.sh — CPU accounting from /proc, sourced by the benchmarks (bench/ingest/run, bench/read-side/run).
# Ticks (utime+stime) of one process; of PostgreSQL: its background processes (WAL writer, checkpointer, ...) and
# the backends of the benchmark database $DB, not those of other databases on the same server. Ticks are
# getconf CLK_TCK a second.
proc_ticks() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  s=${s##*) }
  set -- $s
  echo $(( ${12} + ${13} ))
}
pg_ticks() { # fork-free (read builtin), so that a snapshot at a window's start is quick on a busy machine
  local total=0 f p s c cmd
  for f in /proc/[0-9]*/stat; do
    read -r s 2>/dev/null < "$f" || continue
    c=${s#*(}; c=${c%%)*}
    [[ $c == postgres ]] || continue
    p=${f#/proc/}; p=${p%/stat}
    IFS= read -r -d '' cmd 2>/dev/null < "/proc/$p/cmdline" || true
    [[ $cmd == *" $DB "* || ( $cmd != *"("* && $cmd != *"[local]"* ) ]] || continue
    s=${s##*) }
    set -- $s
    total=$(( total + ${12} + ${13} ))
  done
  echo $total
}
