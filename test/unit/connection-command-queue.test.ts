import fc from 'fast-check';
import { CommandQueue } from '../../lib/connection/command-queue.js';

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
