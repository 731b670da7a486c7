import { sumPoolStats, type PoolStats } from '../../lib/index.js';

const stats = (n: number): PoolStats => ({
  total: n, shared: n + 1, idle: n + 2, leased: n + 3, pending: n + 4, sharedInFlight: n + 5, waiters: n + 6, maxConnections: n + 7,
});

describe('sumPoolStats', () => {
  it('adds every figure of the pools', () => {
    expect(sumPoolStats([stats(0), stats(10)])).toEqual({
      total: 10, shared: 12, idle: 14, leased: 16, pending: 18, sharedInFlight: 20, waiters: 22, maxConnections: 24,
    });
  });

  it('is all zero for no pool', () => {
    expect(sumPoolStats([])).toEqual({
      total: 0, shared: 0, idle: 0, leased: 0, pending: 0, sharedInFlight: 0, waiters: 0, maxConnections: 0,
    });
  });
});
