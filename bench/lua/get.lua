-- GET wrk's URL with the Accept header given as the first script argument. No request() of our
-- own, so wrk sends one prepared request without calling Lua per request (its fast path).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

function init(args)
  wrk.headers["Accept"] = args[1] or "*/*"
end
