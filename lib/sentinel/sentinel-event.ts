/** An address as sentinels announce it. */
export interface SentinelAddress {
  host: string;
  port: number;
}

/** `+switch-master`: the sentinels promoted a new master. */
export interface SwitchMasterEvent {
  kind: 'switch-master';
  channel: '+switch-master';
  masterName: string;
  from: SentinelAddress;
  to: SentinelAddress;
}

/** Every other event: `<type> <name> <ip> <port> [@ <master-name> <master-ip> <master-port>] [extra...]`. */
export interface InstanceEvent {
  kind: 'instance';
  channel: string;
  /** `master`, `slave` or `sentinel`. */
  instanceType: string;
  name: string;
  host: string;
  port: number;
  /** The master the event is about: the instance itself for `master`, the part after `@` otherwise. */
  masterName: string;
  /** That master's address as the sentinel knows it (the instance itself for `master`). */
  master: SentinelAddress;
  extra: readonly string[];
}

export type SentinelEvent = SwitchMasterEvent | InstanceEvent;

/** A failover is under way (the leader publishes these, in this order, before it sends SLAVEOF NO ONE). */
export const FAILOVER_PROGRESS_CHANNELS: readonly string[] = [
  '+try-failover',
  '+elected-leader',
  '+failover-state-select-slave',
  '+selected-slave',
  '+failover-state-send-slaveof-noone',
  '+failover-state-wait-promotion',
  '+failover-state-reconf-slaves',
];

/** Channels the failover watcher subscribes to (sentinel pub/sub has no other traffic worth the bytes). */
export const WATCHED_CHANNELS: readonly string[] = [
  '+switch-master',
  '+sdown',
  '-sdown',
  '+odown',
  '-odown',
  ...FAILOVER_PROGRESS_CHANNELS,
  '+promoted-slave',
  '+failover-end',
  '+failover-end-for-timeout',
  '-failover-abort-not-elected',
  '-failover-abort-no-good-slave',
  '-failover-abort-slave-timeout',
];

/** Parses one sentinel pub/sub message; `undefined` when the payload is not in a known shape. */
export function parseSentinelEvent(channel: string, payload: string): SentinelEvent | undefined {
  const words = payload.trim().split(/\s+/);
  if (channel === '+switch-master') {
    const [masterName, oldHost, oldPort, newHost, newPort] = words;
    if (newPort === undefined || masterName === undefined || oldHost === undefined || newHost === undefined) return undefined;
    const from = { host: oldHost, port: Number.parseInt(oldPort ?? '', 10) };
    const to = { host: newHost, port: Number.parseInt(newPort, 10) };
    if (!Number.isInteger(from.port) || !Number.isInteger(to.port)) return undefined;
    return { kind: 'switch-master', channel, masterName, from, to };
  }
  const [instanceType, name, host, portText, ...rest] = words;
  const port = Number.parseInt(portText ?? '', 10);
  if (instanceType === undefined || name === undefined || host === undefined || !Number.isInteger(port)) return undefined;
  let masterName = name;
  let master: SentinelAddress = { host, port };
  let extra = rest;
  if (rest[0] === '@') {
    masterName = rest[1] ?? '';
    master = { host: rest[2] ?? '', port: Number.parseInt(rest[3] ?? '', 10) };
    extra = rest.slice(4);
  } else if (instanceType !== 'master') {
    return undefined;
  }
  return { kind: 'instance', channel, instanceType, name, host, port, masterName, master, extra };
}
