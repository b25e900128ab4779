-- POST /v1/webhooks/transactions with a transaction_id unique across threads and runs.
-- Usage: wrk ... -s ingest_unique.lua URL -- <run id> [<distinct ids, 0 = all unique>]
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

local run_id = "run"
local distinct = 0
local counter = 0

function init(args)
  run_id = args[1] or run_id
  distinct = tonumber(args[2] or "0")
  thread_id = thread_id or 0
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter + 1
  local id
  if distinct > 0 then
    id = string.format("%s-dup-%d", run_id, counter % distinct)
  else
    id = string.format("%s-%d-%d", run_id, thread_id, counter)
  end
  local body = string.format(
    '{"transaction_id":"%s","source_account":"acc_user_789","destination_account":"acc_merchant_456","amount":"150.50","currency":"INR"}',
    id)
  return wrk.format(nil, nil, nil, body)
end
