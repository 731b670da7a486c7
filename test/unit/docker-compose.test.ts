import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { CLUSTER, SENTINEL, STANDALONE, STANDALONE_ACL } from '../support/topology.js';

// docker-compose.yml must describe the same topologies as test/scripts/topology.sh and test/support/topology.ts.

interface Service {
  image?: unknown;
  network_mode?: unknown;
  command?: unknown;
  depends_on?: unknown;
}

const source = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
const document = parseDocument(source);
const services = ((document.toJS() as { services?: Record<string, Service> } | null)?.services ?? {}) as Record<
  string,
  Service
>;

function argv(service: Service): string[] {
  const { command } = service;
  if (!Array.isArray(command) || !command.every((part) => typeof part === 'string')) {
    throw new Error(`command must be a list of strings, got ${JSON.stringify(command)}`);
  }
  return command as string[];
}

/** Value after `--name` in a redis-server argv. */
function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
}

const servers = Object.entries(services).filter(([, s]) => argv(s)[0] === 'redis-server');
const sentinels = Object.entries(services).filter(([, s]) => argv(s).join(' ').includes('--sentinel'));
const clusterNodes = servers.filter(([, s]) => option(argv(s), 'cluster-enabled') === 'yes');

function sentinelConfig(service: Service): string {
  return argv(service)[2] ?? '';
}

function sentinelPort(service: Service): number {
  const match = /^\s*port (\d+)$/m.exec(sentinelConfig(service));
  return match ? Number(match[1]) : NaN;
}

describe('docker-compose.yml', () => {
  it('is valid YAML with services', () => {
    expect(document.errors).toEqual([]);
    expect(document.warnings).toEqual([]);
    expect(Object.keys(services).length).toBeGreaterThan(0);
  });

  it('uses the official redis image on the host network for every service', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^redis:\d/) });
      expect({ name, network: service.network_mode }).toEqual({ name, network: 'host' });
    }
  });

  it('listens on exactly the test topology ports of test/support/topology.ts', () => {
    const ports = [
      ...servers.map(([, s]) => Number(option(argv(s), 'port'))),
      ...sentinels.map(([, s]) => sentinelPort(s)),
    ].sort((a, b) => a - b);
    const expected = [
      STANDALONE.port,
      STANDALONE_ACL.port,
      ...SENTINEL.redisPorts,
      ...SENTINEL.sentinels.map((s) => s.port),
      ...CLUSTER.ports,
    ].sort((a, b) => a - b);
    expect(ports).toEqual(expected);
  });

  it('binds loopback only and keeps nothing on disk', () => {
    for (const [name, service] of servers) {
      const args = argv(service);
      expect({ name, bind: option(args, 'bind'), save: option(args, 'save'), aof: option(args, 'appendonly') }).toEqual({
        name,
        bind: '127.0.0.1',
        save: '',
        aof: 'no',
      });
    }
    for (const [name, service] of sentinels) {
      expect({ name, bind: /^\s*bind 127\.0\.0\.1$/m.test(sentinelConfig(service)) }).toEqual({ name, bind: true });
    }
  });

  it('configures the ACL server with the users and passwords the tests use', () => {
    const acl = servers.find(([, s]) => option(argv(s), 'port') === String(STANDALONE_ACL.port));
    expect(acl).toBeDefined();
    const command = argv(acl![1]).join(' ');
    expect(option(argv(acl![1]), 'requirepass')).toBe(STANDALONE_ACL.defaultPassword);
    for (const user of Object.values(STANDALONE_ACL.users)) {
      expect(command).toContain(`--user ${user.username} on >${user.password} `);
    }
  });

  it('runs three sentinels watching the sentinel primary with quorum 2 and the scripted timeouts', () => {
    const [primary, ...replicas] = SENTINEL.redisPorts;
    expect(sentinels).toHaveLength(3);
    for (const [, service] of sentinels) {
      const config = sentinelConfig(service);
      expect(config).toContain(`sentinel monitor ${SENTINEL.masterName} 127.0.0.1 ${primary} 2`);
      expect(config).toContain(`sentinel down-after-milliseconds ${SENTINEL.masterName} ${SENTINEL.downAfterMs}`);
      expect(config).toContain('sentinel announce-ip 127.0.0.1');
    }
    const replicaOf = servers
      .filter(([, s]) => replicas.includes(Number(option(argv(s), 'port')) as 6401 | 6402))
      .map(([, s]) => argv(s).slice(argv(s).indexOf('--replicaof') + 1, argv(s).indexOf('--replicaof') + 3));
    expect(replicaOf).toEqual(replicas.map(() => ['127.0.0.1', String(primary)]));
  });

  it('forms a 3 primary + 3 replica cluster from the cluster ports with the scripted node timeout', () => {
    expect(clusterNodes.map(([, s]) => Number(option(argv(s), 'port')))).toEqual([...CLUSTER.ports]);
    for (const [, service] of clusterNodes) {
      expect(option(argv(service), 'cluster-node-timeout')).toBe(String(CLUSTER.nodeTimeoutMs));
    }
    const create = Object.entries(services).find(([, s]) => argv(s).join(' ').includes('--cluster create'));
    expect(create).toBeDefined();
    const script = argv(create![1]).join(' ');
    const addresses = CLUSTER.ports.map((port) => `127.0.0.1:${port}`).join(' ');
    expect(script).toContain(`--cluster create ${addresses} --cluster-replicas 1 --cluster-yes`);
    expect(create![1].depends_on).toEqual(clusterNodes.map(([name]) => name));
  });
});
