-- wrk's load for POST /v1/match (bench/hub and bench/mirror): the queries in $QUERIES, one
-- PDQ hash per line, round robin, with the key in $KEY.
local bodies, i = {}, 0
for line in io.lines(os.getenv("QUERIES")) do
  bodies[#bodies + 1] = '{"type":"pdq","value":"' .. line .. '"}'
end
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("KEY")}
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/match", headers, bodies[i])
end
