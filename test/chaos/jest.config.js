// `npm run chaos`: the root jest config with test/chaos included (the root one ignores it for `npm test`).
// CHAOS_QUICK=1 shortens the soak to 60 s (what CI runs).
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/chaos/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 30 * 60 * 1000,
};
