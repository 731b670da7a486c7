import { unsubscribeOnce } from '../../lib/client/pubsub-manager.js';

describe('the Unsubscribe a subscriber gets', () => {
  it('unsubscribes on the first call only', async () => {
    let calls = 0;
    const unsubscribe = unsubscribeOnce(() => {
      calls += 1;
      return Promise.resolve();
    });
    await unsubscribe();
    await unsubscribe();
    expect(calls).toBe(1);
  });
});
