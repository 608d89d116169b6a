-- GET /v/{code} for every seeded code in turn (a cold read per request): args are the file of
-- codes, one a line, and the Accept header. Each wrk thread starts at its own offset.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

function init(args)
  codes = {}
  for line in io.lines(args[1]) do
    if #line > 0 then codes[#codes + 1] = line end
  end
  accept = args[2] or "application/json"
  position = math.random(#codes)
end

function request()
  position = position % #codes + 1
  return wrk.format("GET", "/v/" .. codes[position], { ["Accept"] = accept })
end
