// Jest runs in native ESM mode (node --experimental-vm-modules) because Nest 12 and Terminus 12 are ESM-only.
// @swc/jest strips types and keeps legacy decorators + emitDecoratorMetadata working for Nest.
import { SWC_OPTIONS } from './test/support/swc-options.mjs';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', SWC_OPTIONS],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/chaos/'],
  testTimeout: 60000,
};
