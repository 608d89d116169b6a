-- GET one path (wrk's URL) with the Accept header given as the first script argument.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

function init(args)
  accept = args[1] or "*/*"
end

function request()
  return wrk.format("GET", nil, { ["Accept"] = accept })
end
