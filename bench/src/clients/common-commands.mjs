// The workloads' single commands, the same call on every client: GET, SET, LRANGE, HGETALL.
export function singleCommands(client) {
  return {
    get: (k) => client.get(k),
    set: (k, v) => client.set(k, v),
    lrange: (k, a, b) => client.lrange(k, a, b),
    hgetall: (k) => client.hgetall(k),
  };
}

// Workload 3 on a client whose `pipeline().exec()` resolves `[error, result]` per command (ioredis, redwire).
export async function pipelineGetPairs(client, key, n) {
  const p = client.pipeline();
  for (let i = 0; i < n; i++) p.get(key);
  const results = await p.exec();
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
