-- wrk script of bench/ingest/run, mode "single" with LOAD=simulate: the simulator's history, one event per
-- POST /api/v1/events (application/json), each project's events in order with at most one request in flight
-- per project.
--
--   wrk -t2 -c64 -d20s -s simulate.lua http://127.0.0.1:PORT -- <file.ndjson> <threads>
--
-- init() reads the file (written by `procwatch simulate --out`, split by `IngestBench split`: each project's
-- lines together, in business-time order) and keeps every <threads>-th project, so the threads' shares are
-- disjoint. request() sends the next event of a project that has no request in flight, taking a new project
-- only when none is waiting, so about as many projects are active as the thread has connections; response()
-- frees the project named in the answer ("projectId" of a 202). An error answer names no project (its body is
-- {"error": {...}}): that project stops there, and the run has failed anyway.
--
-- An answer counts as good only if it is 202 with result "applied" or "flagged"; anything else (another status,
-- "duplicate", "rejected", a socket error or timeout) is an error, reported by kind. A request made when the
-- thread's share is used up is an error too ("exhausted": the window was not measured on the full load); it is a
-- GET of /health/ready, so that wrk has something to send. done() prints one "RESULT mode=single ..." line that
-- bench/ingest/run parses.

-- the RESULT line, shared with the other scripts (loaded from beside this file)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")


function init(args)
  local file = args[1] or error("usage: -- <file.ndjson> <threads>")
  local nthreads = tonumber(args[2]) or 1
  local me = (tid or 1) - 1
  headers = { ["Content-Type"] = "application/json" }
  ok, errors, exhausted, started, finished = 0, 0, 0, 0, 0
  kinds = {}

  -- projects[i] = { id = ..., events = { line, ... }, next = 1 }; index_of[id] = i
  projects, index_of = {}, {}
  local ordinal, last, keep = -1, nil, false
  for line in io.lines(file) do
    if line ~= "" then
      local id = string.match(line, '"projectId":"([^"]+)"')
      if id ~= last then
        ordinal = ordinal + 1
        last = id
        keep = (ordinal % nthreads) == me
        if keep then
          table.insert(projects, { id = id, events = {}, next = 1 })
          index_of[id] = #projects
        end
      end
      if keep then table.insert(projects[#projects].events, line) end
    end
  end
  -- FIFO of projects waiting to send their next event (their previous one answered); projects not yet begun
  -- are taken from `untouched` only when it is empty
  waiting, head, tail = {}, 1, 0
  untouched = 1
  -- wrk calls request() once on the first thread's state before any connection exists (script_verify_request in
  -- wrk.c) and never sends it: answer that call without taking a project, or the project would never be sent
  verify_call = (me == 0)
end

function request()
  if verify_call then
    verify_call = false
    return wrk.format("GET", "/health/live")
  end
  local i
  if head <= tail then
    i = waiting[head]
    waiting[head] = nil
    head = head + 1
  elseif untouched <= #projects then
    i = untouched
    untouched = untouched + 1
    started = started + 1
  else
    exhausted = exhausted + 1
    errors = errors + 1
    kinds["exhausted"] = (kinds["exhausted"] or 0) + 1
    return wrk.format("GET", "/health/ready")
  end
  local p = projects[i]
  return wrk.format("POST", "/api/v1/events", headers, p.events[p.next])
end

-- The project of an answer, named by the 202 body, may send its next event.
local function release(body)
  local i = index_of[string.match(body, '"projectId":"([^"]+)"') or ""]
  if not i then return end
  local p = projects[i]
  p.next = p.next + 1
  if p.next <= #p.events then
    tail = tail + 1
    waiting[tail] = i
  else
    finished = finished + 1
  end
end

function response(status, hdrs, body)
  body = body or ""
  if status == 202 and (string.find(body, '"result":"applied"', 1, true) or string.find(body, '"result":"flagged"', 1, true)) then
    ok = ok + 1
  elseif status == 200 then
    return -- the answer to a GET /health/ready sent when the share was used up: counted in request()
  else
    errors = errors + 1
    local what = string.match(body, '"code":"([%w_]+)"') or string.match(body, '"result":"(%a+)"') or "?"
    local k = tostring(status) .. "_" .. what
    kinds[k] = (kinds[k] or 0) + 1
  end
  release(body)
end

function done(summary, latency, requests)
  local good, bad, all = 0, 0, {}
  local nstarted, nfinished, nexhausted = 0, 0, 0
  for _, t in ipairs(threads) do
    good = good + (t:get("ok") or 0)
    bad = bad + (t:get("errors") or 0)
    nstarted = nstarted + (t:get("started") or 0)
    nfinished = nfinished + (t:get("finished") or 0)
    nexhausted = nexhausted + (t:get("exhausted") or 0)
    for k, v in pairs(t:get("kinds") or {}) do all[k] = (all[k] or 0) + v end
  end
  result_line(summary, latency, good, bad, all, string.format(" projects_started=%d projects_finished=%d exhausted=%d", nstarted, nfinished,
    nexhausted))
end
