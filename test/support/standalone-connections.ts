import { Connection } from '../../lib/connection/connection.js';
import type { ConnectionOptions } from '../../lib/connection/connection-options.js';
import { requireTopology, STANDALONE } from './topology.js';

/**
 * For a test file that opens Connections to the standalone topology: fails the file at once (with how to start it)
 * when the server is not up, and destroys every connection it handed out after the file. Returns the factory:
 * lazyConnect connections with `defaults` (STANDALONE's host and port unless given), then the call's own options.
 */
export function useStandaloneConnections(defaults: ConnectionOptions = STANDALONE): (options?: ConnectionOptions) => Connection {
  const open: Connection[] = [];
  beforeAll(async () => {
    await requireTopology('standalone');
  });
  afterAll(() => {
    for (const c of open.splice(0)) c.destroy();
  });
  return (options = {}) => {
    const c = new Connection({ lazyConnect: true, ...defaults, ...options });
    open.push(c);
    return c;
  };
}
