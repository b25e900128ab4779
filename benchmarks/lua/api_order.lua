-- POST /api/v1/orders with an API key and an Idempotency-Key unique across threads and runs.
-- Usage: wrk ... -s api_order.lua URL -- <run id> <api key>
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

local run_id = "run"
local counter = 0

function init(args)
  run_id = args[1] or run_id
  wrk.headers["X-API-Key"] = args[2]
  thread_id = thread_id or 0
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local body = '{"amount":"100.50","currency":"INR","reference":"bench"}'

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("%s-%d-%d", run_id, thread_id, counter)
  return wrk.format(nil, nil, nil, body)
end
