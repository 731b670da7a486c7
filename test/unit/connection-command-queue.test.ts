import fc from 'fast-check';
import { CommandQueue } from '../../lib/connection/command-queue.js';
import { InFlightQueue } from '../../lib/connection/in-flight-queue.js';

describe('CommandQueue (the in-flight FIFO)', () => {
  it('behaves like an array used as a FIFO under any sequence of push/shift/unshiftAll', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), n: fc.integer() }),
      fc.record({ kind: fc.constant('shift' as const) }),
      fc.record({ kind: fc.constant('unshiftAll' as const), items: fc.array(fc.integer(), { maxLength: 40 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const queue = new CommandQueue<number>();
        const model: number[] = [];
        for (const o of ops) {
          if (o.kind === 'push') {
            queue.push(o.n);
            model.push(o.n);
          } else if (o.kind === 'shift') {
            expect(queue.shift()).toBe(model.shift());
          } else {
            queue.unshiftAll(o.items);
            model.unshift(...o.items);
          }
          expect(queue.length).toBe(model.length);
          expect(queue.peek()).toBe(model[0]);
        }
        expect(queue.drain()).toEqual(model);
        expect(queue.length).toBe(0);
      }),
    );
  });
});

describe('InFlightQueue (written batches, consumed one reply at a time)', () => {
  it('behaves like an array used as a FIFO under any sequence of pushBatch/shift', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('pushBatch' as const), items: fc.array(fc.integer(), { maxLength: 20 }) }),
      fc.record({ kind: fc.constant('shift' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const queue = new InFlightQueue<number>();
        const model: number[] = [];
        // Per written batch: items left, its bytes (7 per item) and its write time (its ordinal).
        const writes: { left: number; bytes: number; at: number }[] = [];
        let writeNo = 0;
        for (const o of ops) {
          if (o.kind === 'pushBatch') {
            const at = ++writeNo;
            if (o.items.length > 0) writes.push({ left: o.items.length, bytes: o.items.length * 7, at });
            queue.pushBatch([...o.items], o.items.length * 7, at);
            model.push(...o.items);
          } else {
            expect(queue.shift()).toBe(model.shift());
            if (writes.length > 0 && --writes[0]!.left === 0) writes.shift();
          }
          expect(queue.length).toBe(model.length);
          expect(queue.peek()).toBe(model[0]);
          expect(queue.bytes).toBe(writes.reduce((sum, w) => sum + w.bytes, 0));
          expect(queue.oldestWriteAt).toBe(writes[0]?.at ?? 0);
        }
        expect(queue.drain()).toEqual(model);
        expect(queue.length).toBe(0);
        expect(queue.shift()).toBeUndefined();
      }),
    );
  });

  it('lets go of a command as soon as its reply is consumed, before the rest of its batch', () => {
    const queue = new InFlightQueue<{ id: number }>();
    const batch = [{ id: 1 }, { id: 2 }];
    queue.pushBatch(batch, 20, 1);
    expect(queue.shift()).toEqual({ id: 1 });
    expect(batch[0]).toBeUndefined();
  });
});
