-- wrk script: each request takes a random path from a file of paths (one per
-- line), so that a benchmark touches many records rather than one cached row.
-- Usage: wrk ... -s bench/wrk/paths.lua URL -- PATHS_FILE
-- The seed is fixed per thread: two runs send the same sequence.
local paths = {}
local counter = 0

init = function(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(20261129)
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[math.random(#paths)])
end
