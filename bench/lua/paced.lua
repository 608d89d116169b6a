-- Fixed-rate stand-in for oha: GET wrk's URL, each connection waiting args[2] ms between
-- requests (closed loop, so not corrected for coordinated omission). args[1]: Accept header.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

function init(args)
  accept = args[1]
  pause = tonumber(args[2])
end

function delay()
  return pause
end

function request()
  return wrk.format("GET", nil, { ["Accept"] = accept })
end
