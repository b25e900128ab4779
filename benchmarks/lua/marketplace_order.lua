-- POST /api/v1/marketplace/orders: one unit of a variant, card 4242..., as many different customers.
-- Usage: wrk ... -s marketplace_order.lua http://127.0.0.1:PORT/api/v1/marketplace/orders -- <tokens file> <variant ids, comma-separated>
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

local tokens = {}
local variants = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  for id in string.gmatch(args[2], "[^,]+") do variants[#variants + 1] = id end
  thread_id = thread_id or 0
  counter = thread_id * 7919
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[counter % #tokens + 1]
  local variant = variants[counter % #variants + 1]
  local body = '{"variant_id":"' .. variant .. '","quantity":1,"method":"card",' ..
    '"card":{"number":"4242424242424242","expiry":"12/35","cvv":"123"}}'
  return wrk.format(nil, nil, nil, body)
end
