import { FailoverTracker, type FailoverAction } from '../../lib/sentinel/failover-tracker.js';
import { parseSentinelEvent, type SentinelEvent } from '../../lib/sentinel/sentinel-event.js';

const NAME = 'redwire-primary';
const A = { host: '127.0.0.1', port: 6400 };
const B = { host: '127.0.0.1', port: 6401 };

function event(channel: string, payload: string): SentinelEvent {
  const parsed = parseSentinelEvent(channel, payload);
  if (parsed === undefined) throw new Error(`unparsable ${channel} ${payload}`);
  return parsed;
}

const types = (actions: FailoverAction[]): string[] => actions.map((a) => a.type);

/** What the leader of a SENTINEL FAILOVER publishes, in order (Redis 7.0), then the others' +switch-master. */
const leader = [
  ['+try-failover', `master ${NAME} 127.0.0.1 6400`],
  ['+elected-leader', `master ${NAME} 127.0.0.1 6400`],
  ['+failover-state-select-slave', `master ${NAME} 127.0.0.1 6400`],
  ['+selected-slave', `slave 127.0.0.1:6401 127.0.0.1 6401 @ ${NAME} 127.0.0.1 6400`],
  ['+failover-state-send-slaveof-noone', `slave 127.0.0.1:6401 127.0.0.1 6401 @ ${NAME} 127.0.0.1 6400`],
  ['+failover-state-wait-promotion', `slave 127.0.0.1:6401 127.0.0.1 6401 @ ${NAME} 127.0.0.1 6400`],
] as const;

describe('FailoverTracker (events of every sentinel)', () => {
  it('starts the failover at the first leader event, switches at +promoted-slave, and drops the late announcements', () => {
    const tracker = new FailoverTracker(NAME);
    tracker.master = { ...A };
    const all: string[] = [];
    for (const [channel, payload] of leader) all.push(...types(tracker.handle(event(channel, payload), 1000, 's1')));
    expect(all).toEqual(['failover-start']);
    expect(tracker.phase).toBe('failing-over');

    const promoted = tracker.handle(event('+promoted-slave', `slave 127.0.0.1:6401 127.0.0.1 6401 @ ${NAME} 127.0.0.1 6400`), 1500, 's1');
    expect(types(promoted)).toEqual(['switch-master', 'failover-end']);
    expect(promoted[0]).toMatchObject({ from: A, to: B });
    expect(tracker.master).toEqual(B);

    // The rest of the leader's run, and every sentinel's +switch-master: the same failover, already done.
    const late = [
      tracker.handle(event('+failover-state-reconf-slaves', `master ${NAME} 127.0.0.1 6400`), 1600, 's1'),
      tracker.handle(event('+switch-master', `${NAME} 127.0.0.1 6400 127.0.0.1 6401`), 2400, 's2'),
      tracker.handle(event('+switch-master', `${NAME} 127.0.0.1 6400 127.0.0.1 6401`), 2500, 's3'),
      tracker.handle(event('+switch-master', `${NAME} 127.0.0.1 6400 127.0.0.1 6401`), 3500, 's1'),
    ];
    expect(late.flat()).toEqual([]);
    expect(tracker.last).toMatchObject({ outcome: 'switched', startedAt: 1000, durationMs: 500 });
  });

  it('a failover back to the old address is a new failover', () => {
    const tracker = new FailoverTracker(NAME);
    tracker.master = { ...B };
    expect(types(tracker.handle(event('+switch-master', `${NAME} 127.0.0.1 6401 127.0.0.1 6400`), 10, 's2'))).toEqual([
      'failover-start', 'switch-master', 'failover-end',
    ]);
    expect(tracker.master).toEqual(A);
  });

  it('an abort ends the failover only when every sentinel that reported progress aborted', () => {
    const tracker = new FailoverTracker(NAME);
    tracker.master = { ...A };
    expect(types(tracker.handle(event('+try-failover', `master ${NAME} 127.0.0.1 6400`), 1, 's1'))).toEqual(['failover-start']);
    tracker.handle(event('+try-failover', `master ${NAME} 127.0.0.1 6400`), 2, 's2');
    expect(tracker.handle(event('-failover-abort-not-elected', `master ${NAME} 127.0.0.1 6400`), 3, 's2')).toEqual([]);
    expect(tracker.phase).toBe('failing-over');
    const end = tracker.handle(event('-failover-abort-no-good-slave', `master ${NAME} 127.0.0.1 6400`), 4, 's1');
    expect(end).toEqual([{ type: 'failover-end', record: expect.objectContaining({ outcome: 'aborted' }) }]);
  });
});
