/**
 * Addresses of the local test topologies (see docs/PORTS.md) and a guard that fails a suite with the command
 * that starts the topology when it is not running. Started by `npm run topology:up` (test/scripts/topology.sh).
 */
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HOST = '127.0.0.1';
export const REDWIRE_TMP = join(process.env.TMPDIR ?? tmpdir(), 'redwire');

export const STANDALONE = { host: HOST, port: 6390 } as const;
export const STANDALONE_TLS = {
  host: HOST,
  port: 6391,
  caFile: join(REDWIRE_TMP, 'tls', 'ca.crt'),
  certFile: join(REDWIRE_TMP, 'tls', 'client.crt'),
  keyFile: join(REDWIRE_TMP, 'tls', 'client.key'),
} as const;
/** requirepass + ACL users. Passwords are test-only values. */
export const STANDALONE_ACL = {
  host: HOST,
  port: 6392,
  defaultPassword: 'redwire-default-pw',
  users: {
    /** full access */
    app: { username: 'app', password: 'redwire-app-pw' },
    /** read commands, PING, HELLO, AUTH, CLIENT, SELECT, INFO only: writes fail with NOPERM */
    reader: { username: 'reader', password: 'redwire-reader-pw' },
  },
} as const;
export const STANDALONE_UNIX = { path: join(REDWIRE_TMP, 'standalone', 'redis.sock') } as const;

export const SENTINEL = {
  masterName: 'redwire-primary',
  redisPorts: [6400, 6401, 6402],
  sentinels: [26400, 26401, 26402].map((port) => ({ host: HOST, port })),
  /** sentinel down-after-milliseconds configured by the script */
  downAfterMs: 2000,
} as const;
export const CLUSTER = {
  ports: [7000, 7001, 7002, 7003, 7004, 7005],
  nodes: [7000, 7001, 7002].map((port) => ({ host: HOST, port })),
  /** cluster-node-timeout configured by the script */
  nodeTimeoutMs: 2000,
} as const;
export const CHAOS_SENTINEL = {
  masterName: 'redwire-primary',
  redisPorts: [6450, 6451, 6452],
  sentinels: [26450, 26451, 26452].map((port) => ({ host: HOST, port })),
  downAfterMs: 2000,
} as const;
export const CHAOS_CLUSTER = { ports: [7200, 7201, 7202, 7203, 7204, 7205], nodeTimeoutMs: 2000 } as const;

/** Benchmarks: a plain server and a 3-primary cluster without replicas. */
export const BENCH = {
  standalone: { host: HOST, port: 6500 },
  cluster: { ports: [7500, 7501, 7502], nodes: [7500, 7501, 7502].map((port) => ({ host: HOST, port })) },
} as const;
/** The README's first command talks to this one. */
export const DEMO = { host: HOST, port: 6380 } as const;

/** `bash test/scripts/topology.sh start-server|stop-server <port>` restarts/stops one server of a running topology. */
export const TOPOLOGY_SCRIPT = 'test/scripts/topology.sh';

export type TopologyName = 'standalone' | 'sentinel' | 'cluster' | 'chaos-sentinel' | 'chaos-cluster' | 'bench' | 'demo';

function canConnect(target: { host?: string; port?: number; path?: string }, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = target.path !== undefined ? connect(target.path) : connect(target.port ?? 0, target.host ?? HOST);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Throws (failing the suite, never skipping it) when a server of the topology does not accept connections. */
export async function requireTopology(name: TopologyName): Promise<void> {
  const targets: { host?: string; port?: number; path?: string }[] = {
    standalone: [STANDALONE, STANDALONE_TLS, STANDALONE_ACL, STANDALONE_UNIX],
    sentinel: [...SENTINEL.redisPorts.map((port) => ({ host: HOST, port })), ...SENTINEL.sentinels],
    cluster: CLUSTER.ports.map((port) => ({ host: HOST, port })),
    'chaos-sentinel': [...CHAOS_SENTINEL.redisPorts.map((port) => ({ host: HOST, port })), ...CHAOS_SENTINEL.sentinels],
    'chaos-cluster': CHAOS_CLUSTER.ports.map((port) => ({ host: HOST, port })),
    bench: [BENCH.standalone, ...BENCH.cluster.nodes],
    demo: [DEMO],
  }[name];
  for (const target of targets) {
    if (!(await canConnect(target))) {
      const where = target.path ?? `${target.host ?? HOST}:${target.port}`;
      throw new Error(
        `The '${name}' Redis test topology is not running (nothing accepts connections at ${where}). ` +
          `Start it with: bash test/scripts/topology.sh up ${name}   (npm run topology:up starts standalone, sentinel and cluster)`,
      );
    }
  }
}
