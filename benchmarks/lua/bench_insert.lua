-- POST /bench/insert with a key unique across threads and runs: <run id>-<thread>-<counter>.
-- Usage: wrk ... -s bench_insert.lua http://127.0.0.1:PORT/bench/insert -- <run id>
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

local run_id = "run"
local counter = 0

function init(args)
  run_id = args[1] or run_id
  thread_id = thread_id or 0
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter + 1
  local body = string.format('{"key":"%s-%d-%d"}', run_id, thread_id, counter)
  return wrk.format(nil, nil, nil, body)
end
