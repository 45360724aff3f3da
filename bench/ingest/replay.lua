-- wrk script of bench/ingest/run, mode "single" with LOAD=simulate ORDER=time (the default): the simulator's
-- history replayed in business-time order, one event per POST /api/v1/events (application/json), at most one
-- request in flight per project — for a service on the data clock (serve --clock data), whose "now" is the latest
-- business time it accepted, so that every event is judged as of its place in the history.
--
--   wrk -t2 -c64 -d20s -s replay.lua http://127.0.0.1:PORT -- <file.ndjson> <threads> <state-file> [lookahead]
--
-- init() reads the file (IngestBench split --order time: the part's events in business-time order across projects)
-- and keeps the events of every <threads>-th project (by first appearance), in file order, so the threads' shares
-- are disjoint and each is in time order. request() sends the earliest unsent event whose project has nothing in
-- flight, looking at most LOOKAHEAD events ahead of the earliest event not yet answered (a busy project's next
-- event waits; the events behind it go first). Before each request delay() looks whether some event can go: if none
-- can (every one in reach belongs to a busy project) the connection waits WAIT_MS locally (counted as "waited"), as
-- the answers in flight free their projects meanwhile; only if there is still none after the wait does request()
-- send a GET /health/live (no database work; "stalled", not an error). LOOKAHEAD (default 512 events, about four
-- business hours of the default history on one thread; largest leads measured 17 minutes to 65 hours, the longest
-- across a weekend: Monday morning's events sent before a late Friday one) bounds how far ahead of
-- the earliest event not yet answered a request may go, so data time never runs more than that ahead of any event
-- still to be sent or answered.
-- response() frees the project named in the answer.
--
-- How far out of business-time order: done() reports the largest lead of an event sent over the earliest unsent one
-- of its thread (max_lead_s, business seconds), and, at the end of the run, the business time of the latest event sent
-- by any thread minus the earliest unsent event of any thread (skew_end_s): the two threads keep separate
-- timelines, and the service's data time is the later of them. An event is judged at max(data time, its own time),
-- so these say how much later than its own time an event was judged at most.
--
-- wrk calls request() once on the first thread's state before any connection exists (script_verify_request in
-- wrk.c: it parses the request to count pipelined ones) and never sends it. Taken from the history, that event
-- stayed "in flight" for the whole run: the first thread's earliest unanswered event never moved, its look-ahead
-- filled with answered events after 512 sends, and its connections sent nothing but health checks (43,000-50,000
-- "stalls" a 20 s window, all on that thread; the other thread carried the whole load). So the first thread's first
-- request() returns a health check and takes nothing.
--
-- The warm-up and the measured window are two wrk runs over the same file: the first one's done() writes where
-- each thread stopped to <state-file>, the second one's init() continues from there, so the window continues the
-- warm-up's timeline (a fresh part would leave the warm-up's projects mid-way, and the data clock would fire their
-- deadlines in the window). An event in flight when the warm-up stopped is sent again: "duplicate" is then a good
-- answer for it (the service had stored it).
--
-- Good answers: 202 applied or flagged (and duplicate for a resent event). Anything else is an error by kind; a
-- request after the share is used up is an error "exhausted". done() prints one "RESULT mode=single ..." line.

local LOOKAHEAD = 512
-- ms a connection waits when nothing in the look-ahead can go; an answer frees a project about every ms at the
-- rates measured, so a short wait almost always finds one, and a stall costs no request to the service
local WAIT_MS = 5
-- the RESULT line, shared with the other scripts (loaded from beside this file)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")


local function read_state(file, me)
  local f = io.open(file, "r")
  if not f then return nil end
  for line in f:lines() do
    local t, p, done, again = string.match(line, "^(%d+) (%d+) ([%d,]*) ([%d,]*)$")
    if t and tonumber(t) == me then
      f:close()
      local sent, resend = {}, {}
      for k in string.gmatch(done, "%d+") do sent[tonumber(k)] = true end
      for k in string.gmatch(again, "%d+") do resend[tonumber(k)] = true end
      return tonumber(p), sent, resend
    end
  end
  f:close()
  return nil
end

-- occurredAt as seconds since 1970 (days from the civil date, the offset applied): only differences are used
local function days_from_civil(y, m, d)
  y = (m <= 2) and (y - 1) or y
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local doy = math.floor((153 * (m + ((m > 2) and -3 or 9)) + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

function business_seconds(line)
  local y, mo, d, h, mi, se, rest = string.match(line, '"occurredAt":"(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)([^"]*)"')
  if not y then return 0 end
  local t = days_from_civil(tonumber(y), tonumber(mo), tonumber(d)) * 86400 + tonumber(h) * 3600 + tonumber(mi) * 60
    + tonumber(se)
  local sign, oh, om = string.match(rest, "([+-])(%d+):(%d+)$")
  if sign then t = t - (sign == "+" and 1 or -1) * (tonumber(oh) * 3600 + tonumber(om) * 60) end
  return t
end

function init(args)
  local file = args[1] or error("usage: -- <file.ndjson> <threads> <state-file>")
  local nthreads = tonumber(args[2]) or 1
  state_file = args[3]
  LOOKAHEAD = tonumber(args[4]) or LOOKAHEAD
  me = (tid or 1) - 1
  headers = { ["Content-Type"] = "application/json" }
  ok, errors, exhausted, started, finished, stalled, resent_dup, waited = 0, 0, 0, 0, 0, 0, 0, 0
  max_lead, latest_sent = 0, nil
  -- the first thread's first request() is wrk's verification call, never sent (see the header)
  verify_call = (me == 0)
  kinds = {}

  -- events[k] = line, of[k] = project index, at[k] = business time (s); project p: { busy = k or nil, left = events
  -- not yet answered }
  events, of, at, projects, index_of = {}, {}, {}, {}, {}
  local ordinal, owner = 0, {}
  for line in io.lines(file) do
    if line ~= "" then
      local id = string.match(line, '"projectId":"([^"]+)"')
      if owner[id] == nil then
        owner[id] = (ordinal % nthreads) == me
        ordinal = ordinal + 1
        if owner[id] then
          table.insert(projects, { id = id, left = 0, begun = false })
          index_of[id] = #projects
        end
      end
      if owner[id] then
        local i = index_of[id]
        table.insert(events, line)
        of[#events] = i
        at[#events] = business_seconds(line)
        projects[i].left = projects[i].left + 1
      end
    end
  end
  -- sent[k]: sent and answered, or in flight (inflight[k]); pos: the earliest event not yet sent
  sent, inflight, resend = {}, {}, {}
  pos = 1
  if state_file then
    local p, done, again = read_state(state_file, me)
    if p then
      pos = p
      for k, _ in pairs(done) do sent[k] = true end
      resend = again
      -- what the warm-up sent is behind pos, or listed: count it as answered for its project
      for k = 1, #events do
        if k < pos or done[k] then
          local pr = projects[of[k]]
          if not resend[k] then pr.left = pr.left - 1 end
          pr.begun = true
        end
      end
    end
  end
end

-- The earliest unsent event within the look-ahead whose project has nothing in flight, or nil.
local function pick()
  while pos <= #events and sent[pos] and not inflight[pos] and not resend[pos] do
    sent[pos] = nil
    pos = pos + 1
  end
  local last = math.min(#events, pos + LOOKAHEAD)
  local first_unsent
  for k = pos, last do
    if (not sent[k]) or resend[k] then
      first_unsent = first_unsent or k
      -- a busy project's later events wait behind it: they are skipped, the events behind them go first
      if not projects[of[k]].busy then return k, first_unsent end
    end
  end
  return nil
end

function delay()
  if verify_call or pos > #events or pick() then return 0 end
  waited = waited + 1
  return WAIT_MS
end

function request()
  if verify_call then
    verify_call = false
    return wrk.format("GET", "/health/live")
  end
  local k, first_unsent = pick()
  if k then
    local p = projects[of[k]]
    if at[k] - at[first_unsent] > max_lead then max_lead = at[k] - at[first_unsent] end
    if not latest_sent or at[k] > latest_sent then latest_sent = at[k] end
    p.busy = k
    sent[k] = true
    inflight[k] = true
    if not p.begun then
      p.begun = true
      started = started + 1
    end
    return wrk.format("POST", "/api/v1/events", headers, events[k])
  end
  if pos > #events then
    exhausted = exhausted + 1
    errors = errors + 1
    kinds["exhausted"] = (kinds["exhausted"] or 0) + 1
  else
    stalled = stalled + 1
  end
  return wrk.format("GET", "/health/live")
end

function response(status, hdrs, body)
  body = body or ""
  if status == 200 then return end -- a GET /health/live (stalled or exhausted): counted in request()
  local i = index_of[string.match(body, '"projectId":"([^"]+)"') or ""]
  local k = i and projects[i].busy
  if status == 202 and (string.find(body, '"result":"applied"', 1, true) or string.find(body, '"result":"flagged"', 1, true)) then
    ok = ok + 1
  elseif status == 202 and k and resend[k] and string.find(body, '"result":"duplicate"', 1, true) then
    resent_dup = resent_dup + 1 -- stored by the warm-up's service before it stopped waiting for the answer
  else
    errors = errors + 1
    local what = string.match(body, '"code":"([%w_]+)"') or string.match(body, '"result":"(%a+)"') or "?"
    local key = tostring(status) .. "_" .. what
    kinds[key] = (kinds[key] or 0) + 1
  end
  if k then
    local p = projects[i]
    p.busy = nil
    inflight[k] = nil
    resend[k] = nil
    p.left = p.left - 1
    if p.left == 0 then finished = finished + 1 end
  end
end

function done(summary, latency, requests)
  local good, bad, all = 0, 0, {}
  local nstarted, nfinished, nexhausted, nstalled, ndup, nwaited = 0, 0, 0, 0, 0, 0
  local lead, latest, earliest_unsent = 0, nil, nil
  local state = {}
  for _, t in ipairs(threads) do
    good = good + (t:get("ok") or 0)
    bad = bad + (t:get("errors") or 0)
    nstarted = nstarted + (t:get("started") or 0)
    nfinished = nfinished + (t:get("finished") or 0)
    nexhausted = nexhausted + (t:get("exhausted") or 0)
    nstalled = nstalled + (t:get("stalled") or 0)
    ndup = ndup + (t:get("resent_dup") or 0)
    nwaited = nwaited + (t:get("waited") or 0)
    lead = math.max(lead, t:get("max_lead") or 0)
    local ls = t:get("latest_sent")
    if ls and (not latest or ls > latest) then latest = ls end
    -- this thread's earliest unsent event (its pos is the earliest not answered; the state lists what went beyond)
    local tpos, tat, tsent, tres = t:get("pos") or 1, t:get("at") or {}, t:get("sent") or {}, t:get("resend") or {}
    while tat[tpos] and tsent[tpos] and not tres[tpos] do tpos = tpos + 1 end
    if tat[tpos] and (not earliest_unsent or tat[tpos] < earliest_unsent) then earliest_unsent = tat[tpos] end
    for k, v in pairs(t:get("kinds") or {}) do all[k] = (all[k] or 0) + v end
    -- where this thread stopped: pos, the events sent beyond it, the events still in flight
    local done_list, again = {}, {}
    local inf = t:get("inflight") or {}
    for k, _ in pairs(t:get("sent") or {}) do
      if inf[k] then table.insert(again, k) else table.insert(done_list, k) end
    end
    for k, _ in pairs(t:get("resend") or {}) do if not inf[k] then table.insert(again, k) end end
    table.sort(done_list)
    table.sort(again)
    table.insert(state, string.format("%d %d %s %s", t:get("me"), t:get("pos") or 1, table.concat(done_list, ","),
      table.concat(again, ",")))
  end
  local sf = threads[1] and threads[1]:get("state_file")
  if sf then
    local f = io.open(sf, "w")
    if f then
      f:write(table.concat(state, "\n"), "\n")
      f:close()
    end
  end
  result_line(summary, latency, good, bad, all, string.format(
    " projects_started=%d projects_finished=%d exhausted=%d stalled=%d waited=%d resent_duplicates=%d max_lead_s=%d"
    .. " skew_end_s=%d", nstarted, nfinished, nexhausted, nstalled, nwaited, ndup, lead,
    (latest and earliest_unsent) and math.max(0, latest - earliest_unsent) or 0))
end
