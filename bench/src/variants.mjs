// The clients under test. A variant is one client with one configuration; `peer` groups variants of one library for
// the ratio columns (redwire is compared with each peer's best variant on each workload).
export const VARIANTS = {
  redwire: { peer: 'redwire', module: 'redwire', options: {} },
  // redwire with redwire/otel on (spans + metrics into in-memory SDK providers): the cost of instrumentation
  'redwire+otel': { peer: 'redwire-otel', module: 'redwire', options: { otel: true } },
  ioredis: { peer: 'ioredis', module: 'ioredis', options: {} },
  'ioredis+autopipe': { peer: 'ioredis', module: 'ioredis', options: { autoPipelining: true } },
  'node-redis': { peer: 'node-redis', module: 'node-redis', options: {} },
  glide: { peer: 'glide', module: 'glide', options: {} },
  // workload 8: decoders alone
  'redis-parser': { peer: 'ioredis', module: 'ioredis', options: {} },
  // workload 3: not a client, the JavaScript floor of its shape (see clients/js-floor.mjs)
  'js-floor': { peer: 'floor', module: 'js-floor', options: {} },
};

export const PEERS = ['ioredis', 'node-redis', 'glide'];

export async function loadModule(name) {
  return import(`./clients/${name}.mjs`);
}
