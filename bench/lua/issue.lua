-- Issuance through HTTP as a farmer and an auditor do it: create a draft, submit it, approve it.
-- args: farm id, farmer token, auditor token. Responses drive the next step of each batch, so
-- any number of connections can be busy; `issued` counts approvals that returned a certificate.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

function init(args)
  farm, farmer, auditor = args[1], args[2], args[3]
  pending = {}
  issued, failures, drafted = 0, 0, 0
  run = tostring(os.time()) .. "-" .. tostring(math.random(1000000))
end

local function post(path, token, body)
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function request()
  local step = table.remove(pending, 1)
  if step then
    return post("/api/v1/applications/" .. step.id .. "/" .. step.action, step.token, "{}")
  end
  drafted = drafted + 1
  local body = string.format(
    '{"farm_id":"%s","product":{"name":"Jinpoluo chestnuts","crop":"chestnut",' ..
    '"lot":"WRK-%s-%d"},"harvest":{"start":"2026-09-05","end":"2026-09-30"},' ..
    '"activity":{"crop":"chestnut","area_ha":2,"yield_kg":3600,"organic_n_kg":90,' ..
    '"crop_residue_n_kg":20,"p2o5_kg":30,"k2o_kg":40,"diesel_l":60,"electricity_kwh":150}}',
    farm, run, drafted)
  return post("/api/v1/applications", farmer, body)
end

function response(status, headers, body)
  if status ~= 200 and status ~= 201 then
    failures = failures + 1
    return
  end
  local id = body:match('"id"%s*:%s*"([%x%-]+)"')
  local state = body:match('"status"%s*:%s*"(%a+)"')
  if state == "draft" then
    table.insert(pending, { id = id, action = "submit", token = farmer })
  elseif state == "submitted" then
    table.insert(pending, { id = id, action = "approve", token = auditor })
  elseif state == "approved" then
    issued = issued + 1
  end
end
