import { ConfigError } from '../../lib/errors/index.js';

/** The message of the ConfigError `fn` throws synchronously; fails the test when it throws nothing or another error. */
export function configErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
