-- wrk script: replay prepared, signed WhatsApp webhook deliveries, each exactly once.
-- DELIVERIES names a file with one delivery per line: "<X-Hub-Signature-256>\t<JSON body>".
-- Thread k of n sends lines k, k+n, k+2n, ... and stops when its share is answered, so the
-- run is a fixed number of deliveries, not a duration. A connection that asks for a request
-- after its thread's share is used up gets its thread's first delivery again (a replay, which
-- the webhook must keep no second time); the summary counts those separately.
-- wrk's own duration is the -d it was given; the run's time is measured here instead, from the
-- first request to the last answer of a share (clock_gettime through LuaJIT's FFI).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } kto_timespec;
  int clock_gettime(int clock, kto_timespec *now);
]]
local now_buffer = ffi.new("kto_timespec")

local function now()
  ffi.C.clock_gettime(1, now_buffer)  -- CLOCK_MONOTONIC: the same clock in every thread
  return tonumber(now_buffer.tv_sec) + tonumber(now_buffer.tv_nsec) / 1e9
end

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("THREADS") or "1")
  mine = {}
  local index = 0
  for line in io.lines(os.getenv("DELIVERIES")) do
    if index % n == tid - 1 then
      local tab = string.find(line, "\t", 1, true)
      table.insert(mine, {string.sub(line, 1, tab - 1), string.sub(line, tab + 1)})
    end
    index = index + 1
  end
  sent = 0
  answered = 0
  first = 0
  last = 0
  extra = 0
  wrk.method = "POST"
  wrk.path = "/webhooks/whatsapp"
end

function request()
  if sent == 0 then
    first = now()
  end
  sent = sent + 1
  local item = mine[sent]
  if item == nil then
    extra = extra + 1
    item = mine[1]
  end
  return wrk.format(nil, nil, {["Content-Type"] = "application/json",
                               ["X-Hub-Signature-256"] = item[1]}, item[2])
end

function response(status, headers, body)
  answered = answered + 1
  if answered == #mine then
    last = now()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local extras = 0
  local shares = 0
  local started = nil
  local ended = 0
  for _, thread in ipairs(threads) do
    extras = extras + (thread:get("extra") or 0)
    shares = shares + (thread:get("answered") or 0)
    local first = thread:get("first")
    local last = thread:get("last")
    if started == nil or first < started then
      started = first
    end
    if last == 0 then
      ended = 1 / 0  -- a share never completed within -d: no figure
    elseif last > ended then
      ended = last
    end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "answered": %d, "seconds": %.4f, "p50_ms": %.2f, "p90_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "non_2xx": %d, "errors": %d, "replays_after_share": %d}\n',
    summary.requests, shares, ended - started, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, errors, extras))
end
