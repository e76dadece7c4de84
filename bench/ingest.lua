-- wrk script: POST a fresh balie response with its own UUID per request.
-- RATE (total requests/s, 0 = as fast as possible) and CONNECTIONS come from the environment.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
  rate = tonumber(os.getenv("RATE") or "0")
  connections = tonumber(os.getenv("CONNECTIONS") or "1")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  -- an import with the demo organisation's API key: kiosk answers need their channel's proof
  local key = os.getenv("API_KEY") or ""
  if key ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. key
  end
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function delay()
  if rate > 0 then
    return math.floor(1000 * connections / rate)
  end
  return 0
end

function request()
  local answers
  if math.random() < 0.8 then
    answers = '{"oordeel":"up","onderwerp":"paspoort_id"}'
  else
    answers = '{"oordeel":"down","reden":["lang_wachten"]}'
  end
  local body = '{"id":"' .. uuid4() .. '","organisation":"demo","survey":"balie",' ..
    '"contact_channel":"counter","survey_mode":"kiosk","location":"stadhuis",' ..
    '"answers":' .. answers .. '}'
  return wrk.format(nil, "/api/v1/responses", nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors))
end
