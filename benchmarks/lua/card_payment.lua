-- POST /api/v1/payments: a card payment on an existing order, each order paid once.
-- Usage: wrk ... -s card_payment.lua URL -- <order ids file> <api key>
-- The file holds one order id per line; thread t of n takes lines t, t+n, t+2n, ... so no order is
-- paid twice. A thread that runs out of orders pays its last one again (answered 409, counted as non-2xx).
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

local orders = {}
local position = 0

function init(args)
  local stride = tonumber(args[3] or "2")
  local index = 0
  for line in io.lines(args[1]) do
    if #line > 0 and index % stride == (thread_id or 0) then orders[#orders + 1] = line end
    index = index + 1
  end
  wrk.headers["X-API-Key"] = args[2]
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  position = math.min(position + 1, #orders)
  local body = string.format(
    '{"order_id":"%s","method":"card","card":{"number":"4242424242424242","expiry":"12/35","cvv":"123"}}',
    orders[position])
  return wrk.format(nil, nil, nil, body)
end
