-- Fixed-rate stand-in for oha over every seeded code in turn (see paced.lua and codes.lua).
-- args: file of codes, Accept header, pause per connection in ms.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

function init(args)
  codes = {}
  for line in io.lines(args[1]) do
    if #line > 0 then codes[#codes + 1] = line end
  end
  accept = args[2]
  pause = tonumber(args[3])
  position = math.random(#codes)
end

function delay()
  return pause
end

function request()
  position = position % #codes + 1
  return wrk.format("GET", "/v/" .. codes[position], { ["Accept"] = accept })
end
