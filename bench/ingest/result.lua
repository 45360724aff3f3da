-- Shared by the wrk scripts of bench/ingest/run (single.lua, simulate.lua, replay.lua): the one "RESULT mode=single
-- ..." line the run parses. `kinds` are the scripts' own error kinds (from response()); wrk's socket errors are
-- added here. `extra` is appended as is (" key=value ..."), for the fields a script adds.
-- Every script numbers wrk's threads (each thread's state gets tid 1..n) and keeps them for done() (`threads`).
threads = {}
local next_tid = 1

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function result_line(summary, latency, good, bad, kinds, extra)
  local all = {}
  for k, v in pairs(kinds) do all[k] = v end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  if e.connect > 0 then all["connect"] = e.connect end
  if e.read > 0 then all["read"] = e.read end
  if e.write > 0 then all["write"] = e.write end
  if e.timeout > 0 then all["timeout"] = e.timeout end
  local list = {}
  for k, v in pairs(all) do table.insert(list, k .. ":" .. v) end
  table.sort(list)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT mode=single events=%d requests=%d seconds=%.1f events_per_s=%.0f errors=%d error_kinds=%s"
      .. " lat_p50_ms=%.1f lat_p99_ms=%.1f lat_max_ms=%.1f",
    good, summary.requests, seconds, good / seconds, bad + socket, (#list > 0 and table.concat(list, ";") or "none"),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000) .. (extra or "") .. "\n")
end
