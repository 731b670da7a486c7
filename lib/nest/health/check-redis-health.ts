import { SLOT_COUNT } from '../../cluster/key-slot.js';
import type { RespValue } from '../../protocol/resp-value.js';
import type { RedisConnection } from '../redis-connection.js';
import { withDeadline } from '../with-deadline.js';
import { parseInfo, replyText } from './parse-info.js';
import { poolDetails } from './pool-details.js';
import {
  REDIS_HEALTH_DEFAULTS,
  type RedisHealthCheckOptions,
  type RedisHealthReport,
} from './redis-health-options.interface.js';

type Limits = Required<Pick<RedisHealthCheckOptions, 'minReplicas' | 'minSentinels' | 'minPrimaries'>> &
  Pick<RedisHealthCheckOptions, 'maxLatency' | 'maxUsedMemory'>;

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Checks one connection against its topology's idea of healthy. Never throws and never takes longer than
 * `timeout` (default 1000 ms): every probe runs on a connection of its own under one deadline, so a stalled
 * command on the shared connection cannot hold it up.
 */
export async function checkRedisHealth(
  connection: RedisConnection,
  options: RedisHealthCheckOptions = {},
): Promise<RedisHealthReport> {
  const timeout = options.timeout ?? REDIS_HEALTH_DEFAULTS.timeout;
  const limits: Limits = {
    minReplicas: options.minReplicas ?? REDIS_HEALTH_DEFAULTS.minReplicas,
    minSentinels: options.minSentinels ?? REDIS_HEALTH_DEFAULTS.minSentinels,
    minPrimaries: options.minPrimaries ?? REDIS_HEALTH_DEFAULTS.minPrimaries,
    maxLatency: options.maxLatency,
    maxUsedMemory: options.maxUsedMemory,
  };
  const base = { connection: connection.name, topology: connection.topology };
  const details: Record<string, unknown> = { ...base };
  try {
    const problems = await withDeadline(
      () => {
        if (connection.topology === 'cluster') return checkCluster(connection, limits, timeout, details);
        if (connection.topology === 'sentinel') return checkSentinel(connection, limits, timeout, details);
        return checkNode(connection, limits, timeout, details);
      },
      timeout,
      `The health check of Redis connection '${connection.name}'`,
    );
    if (problems.length > 0) details.reason = problems.join('; ');
    addPoolDetails(connection, details);
    return { healthy: problems.length === 0, details };
  } catch (error) {
    addPoolDetails(connection, details);
    return { healthy: false, details: { ...details, reason: message(error) } };
  }
}

/** Pool figures (connections by state, waiters, commands in flight): local counters, no round trip. */
function addPoolDetails(connection: RedisConnection, details: Record<string, unknown>): void {
  try {
    const pool = poolDetails(connection);
    if (pool !== undefined) details.pool = pool;
  } catch {
    // A connection built by a custom factory may not expose pools: the report goes without.
  }
}

/** PING round trip, then the optional memory limit; returns what is wrong. */
async function checkNode(
  connection: RedisConnection,
  limits: Limits,
  timeout: number,
  details: Record<string, unknown>,
): Promise<string[]> {
  const problems: string[] = [];
  const started = performance.now();
  const pong = await connection.probe(['PING'], timeout);
  const latency = Math.round((performance.now() - started) * 100) / 100;
  details.address ??= connection.label;
  details.latencyMs = latency;
  if (replyText(pong) !== 'PONG') problems.push(`PING answered '${replyText(pong)}' instead of PONG`);
  if (limits.maxLatency !== undefined && latency > limits.maxLatency) {
    problems.push(`PING took ${latency} ms, more than maxLatency ${limits.maxLatency} ms`);
  }
  if (limits.maxUsedMemory !== undefined) {
    const used = Number(parseInfo(await connection.probe(['INFO', 'memory'], timeout)).used_memory);
    details.usedMemory = used;
    if (used > limits.maxUsedMemory) problems.push(`used_memory ${used} bytes exceeds maxUsedMemory ${limits.maxUsedMemory}`);
  }
  return problems;
}

async function checkSentinel(
  connection: RedisConnection,
  limits: Limits,
  timeout: number,
  details: Record<string, unknown>,
): Promise<string[]> {
  const service = connection.sentinel;
  if (service === undefined) return ['the connection has no SentinelService'];
  const problems: string[] = [];
  const last = service.lastFailover;
  if (last !== undefined) {
    details.lastFailover = {
      at: new Date(last.endedAt ?? last.startedAt).toISOString(),
      durationMs: last.durationMs,
      from: last.from && `${last.from.host}:${last.from.port}`,
      to: last.to && `${last.to.host}:${last.to.port}`,
      outcome: last.outcome,
    };
  }
  // What the sentinels say: the master, its flags (failover in progress, down) and how many sentinels watch it.
  const state = await service.sentinel.masterState(service.masterName);
  details.masterName = service.masterName;
  details.master = `${state.host}:${state.port}`;
  const failoverState = state.fields['failover-state'];
  const inProgress = state.flags.includes('failover_in_progress') || (failoverState !== undefined && failoverState !== 'none');
  details.failoverInProgress = inProgress;
  if (inProgress) {
    problems.push(`failover in progress (failover-state ${failoverState ?? 'unknown'})`);
  }
  const down = state.flags.filter((flag) => flag === 's_down' || flag === 'o_down' || flag === 'disconnected');
  if (down.length > 0) problems.push(`the sentinels report the master ${details.master} as ${down.join('+')}`);
  const sentinels = Number.parseInt(state.fields['num-other-sentinels'] ?? '0', 10) + 1;
  details.sentinels = sentinels;
  if (sentinels < limits.minSentinels) problems.push(`${sentinels} sentinel(s), fewer than minSentinels ${limits.minSentinels}`);
  const replicas = await service.replicas();
  details.replicas = replicas.length;
  if (replicas.length < limits.minReplicas) {
    problems.push(`${replicas.length} healthy replica(s), fewer than minReplicas ${limits.minReplicas}`);
  }
  // The node we are connected to must answer and call itself master (ROLE), not just be announced as one.
  details.address = details.master;
  problems.push(...(await checkNode(connection, limits, timeout, details)));
  const role = await connection.probe(['ROLE'], timeout);
  const roleName = Array.isArray(role) ? replyText(role[0] ?? null) : replyText(role);
  details.role = roleName;
  if (roleName !== 'master') problems.push(`the node the client is connected to reports ROLE '${roleName}', not master`);
  return problems;
}

interface ClusterNodeLine {
  address: string;
  primary: boolean;
  failed: boolean;
  primaryId: string;
  id: string;
  slots: number;
}

function parseClusterNodes(reply: RespValue, covered: Uint8Array): ClusterNodeLine[] {
  const nodes: ClusterNodeLine[] = [];
  for (const line of replyText(reply).split(/\r?\n/)) {
    const parts = line.trim().split(' ');
    if (parts.length < 8) continue;
    const [id = '', addressField = '', flagsField = '', primaryId = '', , , , linkState = ''] = parts;
    const flags = flagsField.split(',');
    const failed = flags.includes('fail') || flags.includes('fail?') || flags.includes('noaddr') || linkState === 'disconnected';
    const primary = flags.includes('master');
    let slots = 0;
    for (const range of parts.slice(8)) {
      if (range.startsWith('[')) continue; // migrating/importing markers
      const [from, to = from] = range.split('-').map(Number);
      if (from === undefined || to === undefined || !Number.isInteger(from) || !Number.isInteger(to)) continue;
      slots += to - from + 1;
      if (primary && !failed) covered.fill(1, from, to + 1);
    }
    nodes.push({ address: addressField.split('@')[0] ?? addressField, primary, failed, primaryId, id, slots });
  }
  return nodes;
}

async function checkCluster(
  connection: RedisConnection,
  limits: Limits,
  timeout: number,
  details: Record<string, unknown>,
): Promise<string[]> {
  if (connection.nodeProbe === undefined) return ['the connection cannot reach individual cluster nodes'];
  const problems: string[] = [];
  const info = await connection.nodeProbe(['CLUSTER', 'INFO'], timeout);
  const fields = parseInfo(info.reply);
  details.askedNode = info.address;
  details.clusterState = fields.cluster_state;
  if (fields.cluster_state !== 'ok') problems.push(`cluster_state is '${fields.cluster_state ?? 'unknown'}'`);

  const covered = new Uint8Array(SLOT_COUNT);
  const nodes = parseClusterNodes((await connection.nodeProbe(['CLUSTER', 'NODES'], timeout)).reply, covered);
  const slotsCovered = covered.reduce((sum, bit) => sum + bit, 0);
  details.slotsCovered = slotsCovered;
  if (slotsCovered < SLOT_COUNT) problems.push(`${SLOT_COUNT - slotsCovered} of ${SLOT_COUNT} slots are not served by a reachable primary`);
  const primaries = nodes.filter((node) => node.primary && !node.failed);
  const unreachable = nodes.filter((node) => node.failed).map((node) => node.address);
  details.primaries = primaries.length;
  details.replicas = nodes.filter((node) => !node.primary && !node.failed).length;
  details.unreachableNodes = unreachable;
  if (primaries.length < limits.minPrimaries) {
    problems.push(`${primaries.length} reachable primar${primaries.length === 1 ? 'y' : 'ies'}, fewer than minPrimaries ${limits.minPrimaries}`);
  }
  if (limits.minReplicas > 0) {
    for (const primary of primaries.filter((node) => node.slots > 0)) {
      const replicas = nodes.filter((node) => node.primaryId === primary.id && !node.failed).length;
      if (replicas < limits.minReplicas) {
        problems.push(`primary ${primary.address} has ${replicas} healthy replica(s), fewer than minReplicas ${limits.minReplicas}`);
      }
    }
  }
  if (limits.maxLatency !== undefined || limits.maxUsedMemory !== undefined) {
    const started = performance.now();
    const ping = await connection.nodeProbe(['PING'], timeout);
    const latency = Math.round((performance.now() - started) * 100) / 100;
    details.latencyMs = latency;
    if (limits.maxLatency !== undefined && latency > limits.maxLatency) {
      problems.push(`PING to ${ping.address} took ${latency} ms, more than maxLatency ${limits.maxLatency} ms`);
    }
    if (limits.maxUsedMemory !== undefined) {
      const used = Number(parseInfo((await connection.nodeProbe(['INFO', 'memory'], timeout)).reply).used_memory);
      details.usedMemory = used;
      if (used > limits.maxUsedMemory) problems.push(`used_memory ${used} bytes exceeds maxUsedMemory ${limits.maxUsedMemory}`);
    }
  }
  return problems;
}
