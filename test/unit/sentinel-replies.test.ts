import { ProtocolError } from '../../lib/errors/index.js';
import { FailoverTracker } from '../../lib/sentinel/failover-tracker.js';
import { parseSentinelEvent } from '../../lib/sentinel/sentinel-event.js';
import { normalizeSentinelOptions } from '../../lib/sentinel/sentinel-options.js';
import {
  isHealthyReplica,
  masterProblem,
  toMasterAddress,
  toSentinelInstance,
  toSentinelInstances,
} from '../../lib/sentinel/sentinel-reply.js';
import type { RespMap } from '../../lib/protocol/resp-value.js';

function respMap(entries: Record<string, string>): RespMap {
  return Object.assign(Object.create(null) as RespMap, entries);
}

const masterFields = {
  name: 'redwire-primary',
  ip: '127.0.0.1',
  port: '6400',
  flags: 'master',
  'num-other-sentinels': '2',
  quorum: '2',
};

describe('SENTINEL replies', () => {
  it('reads a RESP2 flat field list and a RESP3 map the same way', () => {
    const flat = Object.entries(masterFields).flat();
    const fromFlat = toSentinelInstance(flat);
    const fromMap = toSentinelInstance(respMap(masterFields));
    expect(fromFlat).toEqual(fromMap);
    expect(fromFlat).toMatchObject({ name: 'redwire-primary', host: '127.0.0.1', port: 6400, flags: ['master'] });
    expect(fromFlat.fields['num-other-sentinels']).toBe('2');
  });

  it('accepts Buffer and number field values', () => {
    const instance = toSentinelInstance([Buffer.from('ip'), Buffer.from('::1'), 'port', 26400, 'flags', 'sentinel']);
    expect(instance).toMatchObject({ host: '::1', port: 26400, flags: ['sentinel'] });
  });

  it('rejects malformed replies with ProtocolError', () => {
    expect(() => toSentinelInstance(['ip', '127.0.0.1', 'port'])).toThrow(ProtocolError);
    expect(() => toSentinelInstance(['ip', '127.0.0.1'])).toThrow(/without ip\/port/);
    expect(() => toSentinelInstance('OK')).toThrow(ProtocolError);
    expect(() => toSentinelInstances(respMap(masterFields))).toThrow(ProtocolError);
  });

  it('accepts a master only when it is up and sees enough peers', () => {
    const up = toSentinelInstance(respMap(masterFields));
    expect(masterProblem(up, 0)).toBeUndefined();
    expect(masterProblem(up, 2)).toBeUndefined();
    expect(masterProblem(up, 3)).toMatch(/only 2 other sentinel/);
    expect(masterProblem(toSentinelInstance(respMap({ ...masterFields, flags: 'master,s_down' })), 0)).toMatch(/s_down/);
    expect(masterProblem(toSentinelInstance(respMap({ ...masterFields, flags: 'master,s_down,o_down' })), 0)).toMatch(
      /s_down\+o_down/,
    );
    expect(masterProblem(toSentinelInstance(respMap({ ...masterFields, flags: 'slave' })), 0)).toMatch(/not as a master/);
  });

  it('keeps only healthy replicas', () => {
    const replica = { ip: '127.0.0.1', port: '6401', flags: 'slave', 'master-link-status': 'ok' };
    const list = toSentinelInstances([
      respMap(replica),
      respMap({ ...replica, port: '6402', flags: 'slave,s_down' }),
      respMap({ ...replica, port: '6403', flags: 'slave,disconnected' }),
      respMap({ ...replica, port: '6404', 'master-link-status': 'err' }),
      Object.entries({ ...replica, port: '6405' }).flat(),
    ]);
    expect(list.filter(isHealthyReplica).map((r) => r.port)).toEqual([6401, 6405]);
  });

  it('reads GET-MASTER-ADDR-BY-NAME', () => {
    expect(toMasterAddress(['127.0.0.1', '6400'])).toEqual({ host: '127.0.0.1', port: 6400 });
    expect(toMasterAddress(null)).toBeUndefined();
    expect(() => toMasterAddress(['127.0.0.1'])).toThrow(ProtocolError);
  });
});

describe('sentinel events', () => {
  it('parses +switch-master', () => {
    expect(parseSentinelEvent('+switch-master', 'redwire-primary 127.0.0.1 6400 127.0.0.1 6401')).toEqual({
      kind: 'switch-master',
      channel: '+switch-master',
      masterName: 'redwire-primary',
      from: { host: '127.0.0.1', port: 6400 },
      to: { host: '127.0.0.1', port: 6401 },
    });
    expect(parseSentinelEvent('+switch-master', 'redwire-primary 127.0.0.1')).toBeUndefined();
  });

  it('parses master and replica instance events', () => {
    expect(parseSentinelEvent('+odown', 'master redwire-primary 127.0.0.1 6400 #quorum 2/2')).toMatchObject({
      kind: 'instance',
      instanceType: 'master',
      masterName: 'redwire-primary',
      port: 6400,
      extra: ['#quorum', '2/2'],
    });
    expect(
      parseSentinelEvent('+sdown', 'slave 127.0.0.1:6401 127.0.0.1 6401 @ redwire-primary 127.0.0.1 6400'),
    ).toMatchObject({ instanceType: 'slave', name: '127.0.0.1:6401', port: 6401, masterName: 'redwire-primary' });
    expect(parseSentinelEvent('+sdown', 'slave 127.0.0.1:6401 127.0.0.1 6401')).toBeUndefined();
    expect(parseSentinelEvent('+sdown', 'garbage')).toBeUndefined();
  });
});

describe('FailoverTracker', () => {
  const name = 'redwire-primary';
  const master = (channel: string) => parseSentinelEvent(channel, `master ${name} 127.0.0.1 6400`)!;
  const switchTo = parseSentinelEvent('+switch-master', `${name} 127.0.0.1 6400 127.0.0.1 6401`)!;

  it('times a crash failover from +sdown to +switch-master', () => {
    const tracker = new FailoverTracker(name);
    expect(tracker.handle(master('+sdown'), 1000)).toEqual([]);
    expect(tracker.phase).toBe('master-suspect');
    const start = tracker.handle(master('+odown'), 1100);
    expect(start).toEqual([{ type: 'failover-start', record: { masterName: name, startedAt: 1000 } }]);
    expect(tracker.handle(master('+failover-state-select-slave'), 1200)).toEqual([]);
    const actions = tracker.handle(switchTo, 4000);
    expect(actions.map((a) => a.type)).toEqual(['switch-master', 'failover-end']);
    expect(tracker.last).toMatchObject({ startedAt: 1000, endedAt: 4000, durationMs: 3000, outcome: 'switched' });
    expect(tracker.last?.to).toEqual({ host: '127.0.0.1', port: 6401 });
    expect(tracker.phase).toBe('stable');
  });

  it('treats a lone +switch-master (seen by a non-leader sentinel) as a whole failover', () => {
    const tracker = new FailoverTracker(name);
    expect(tracker.handle(switchTo, 50).map((a) => a.type)).toEqual(['failover-start', 'switch-master', 'failover-end']);
    expect(tracker.last).toMatchObject({ durationMs: 0, outcome: 'switched' });
  });

  it('forgets a master that came back by itself, and ends an aborted failover', () => {
    const tracker = new FailoverTracker(name);
    tracker.handle(master('+sdown'), 10);
    expect(tracker.handle(master('-sdown'), 20)).toEqual([]);
    expect(tracker.phase).toBe('stable');
    expect(tracker.start(30).map((a) => a.type)).toEqual(['failover-start']);
    const end = tracker.handle(master('-failover-abort-no-good-slave'), 90);
    expect(end).toEqual([{ type: 'failover-end', record: expect.objectContaining({ outcome: 'aborted', durationMs: 60 }) }]);
  });

  it('ignores events about other masters and replicas', () => {
    const tracker = new FailoverTracker(name);
    expect(tracker.handle(parseSentinelEvent('+odown', 'master other 127.0.0.1 1 #quorum 2/2')!, 1)).toEqual([]);
    expect(
      tracker.handle(parseSentinelEvent('+sdown', `slave a 127.0.0.1 6401 @ ${name} 127.0.0.1 6400`)!, 1),
    ).toEqual([]);
    expect(tracker.phase).toBe('stable');
  });
});

describe('Sentinel options', () => {
  it('splits sentinel options from data-node options', () => {
    const normalized = normalizeSentinelOptions({
      sentinels: [{ host: '127.0.0.1', port: 26400 }],
      sentinelOptions: { password: 'sentinel-secret' },
      password: 'node-secret',
      db: 2,
      minOtherSentinels: 1,
    });
    expect(normalized.nodeOptions).toEqual({ password: 'node-secret', db: 2 });
    expect(normalized.sentinelOptions).toEqual({ password: 'sentinel-secret' });
    expect(normalized.minOtherSentinels).toBe(1);
  });

  it('rejects bad options with ConfigError naming the field', () => {
    expect(() => normalizeSentinelOptions({ sentinels: [] })).toThrow(/'sentinels'/);
    expect(() => normalizeSentinelOptions({ sentinels: [{ host: 'h', port: 0 }] })).toThrow(/sentinels\[0\]\.port/);
    expect(() => normalizeSentinelOptions({ sentinels: [{ host: 'h', port: 1 }], minOtherSentinels: -1 })).toThrow(
      /minOtherSentinels/,
    );
  });
});
