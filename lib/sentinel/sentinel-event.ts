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
  extra: readonly string[];
}

export type SentinelEvent = SwitchMasterEvent | InstanceEvent;

/** Channels the failover watcher subscribes to (sentinel pub/sub has no other traffic worth the bytes). */
export const WATCHED_CHANNELS: readonly string[] = [
  '+switch-master',
  '+sdown',
  '-sdown',
  '+odown',
  '-odown',
  '+try-failover',
  '+failover-state-select-slave',
  '+failover-state-send-slaveof-noone',
  '+failover-state-wait-promotion',
  '+failover-state-reconf-slaves',
  '+failover-end',
  '+failover-end-for-timeout',
  '-failover-abort-not-elected',
  '-failover-abort-no-good-slave',
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
  let extra = rest;
  if (rest[0] === '@') {
    masterName = rest[1] ?? '';
    extra = rest.slice(4);
  } else if (instanceType !== 'master') {
    return undefined;
  }
  return { kind: 'instance', channel, instanceType, name, host, port, masterName, extra };
}
