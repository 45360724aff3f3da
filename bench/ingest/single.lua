-- wrk script of bench/ingest/run, mode "single": one BidReceived per POST /api/v1/events
-- (application/json), spread over the projects that `IngestBench setup` registered and walked to
-- NoticePublished. Every eventId (and supplier) is unique: "<run><thread>.<seq>".
--
--   wrk -t2 -c64 -d20s -s single.lua http://127.0.0.1:PORT -- <projects> <prefix> <run>
--
-- An answer counts as good only if it is 202 with result "applied" or "flagged"; anything else
-- (another status, "duplicate", "rejected", a socket error or timeout) is an error, reported by kind.
-- done() prints one "RESULT mode=single ..." line that bench/ingest/run parses.

-- the RESULT line, shared with the other scripts (loaded from beside this file)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")


function init(args)
  nprojects = tonumber(args[1]) or 1000
  prefix = args[2] or "bench"
  run = args[3] or "w"
  seq = 0
  ok = 0
  errors = 0
  kinds = {}
  headers = { ["Content-Type"] = "application/json" }
  -- Each thread starts elsewhere and strides through all projects (37 is coprime with 10^k).
  offset = ((tid or 1) - 1) * 389
end

-- Every bid of the run has its own amount: the warm-up ("w") and the measured run ("m") replay the same
-- seq numbers on the same projects, so an amount derived from seq alone made each measured bid equal to
-- a warm-up bid of the same project, and PT02 (identical bids) fired on nearly every one. Real bids rarely
-- tie; one slot of 20,000 yuan per (run, thread), the seq in cents within it (distinct up to 2M requests).
function amount(seq)
  local slot = (run == "m" and 8 or 0) + (tid or 1)
  return string.format("%d.%02d", 3000000 + slot * 20000 + math.floor(seq / 100), seq % 100)
end

function request()
  seq = seq + 1
  local p = (offset + seq * 37) % nprojects
  local key = run .. tid .. "." .. seq
  local body = '{"eventId":"' .. key .. '","projectId":"' .. string.format("%s-%05d", prefix, p)
    .. '","type":"BidReceived","occurredAt":"2026-03-20T14:00:00+08:00","data":{"supplier":"S' .. key
    .. '","supplierName":"供应商 ' .. key .. '","amount":' .. amount(seq) .. ',"sme":true}}'
  return wrk.format("POST", "/api/v1/events", headers, body)
end

function response(status, hdrs, body)
  if status == 202 and (string.find(body, '"result":"applied"', 1, true) or string.find(body, '"result":"flagged"', 1, true)) then
    ok = ok + 1
  else
    errors = errors + 1
    local what = string.match(body or "", '"code":"([%w_]+)"') or string.match(body or "", '"result":"(%a+)"') or "?"
    local k = tostring(status) .. "_" .. what
    kinds[k] = (kinds[k] or 0) + 1
  end
end

function done(summary, latency, requests)
  local good, bad, all = 0, 0, {}
  for _, t in ipairs(threads) do
    good = good + (t:get("ok") or 0)
    bad = bad + (t:get("errors") or 0)
    for k, v in pairs(t:get("kinds") or {}) do all[k] = (all[k] or 0) + v end
  end
  result_line(summary, latency, good, bad, all)
end
