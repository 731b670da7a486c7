// Valkey GLIDE (Rust core shipped as a native binary in its npm package) with its defaults.
import { Batch, GlideClient, GlideClusterClient } from '@valkey/valkey-glide';
import { singleCommands } from './common-commands.mjs';

export async function createStandalone({ port }) {
  const client = await GlideClient.createClient({ addresses: [{ host: '127.0.0.1', port }] });
  return {
    ...singleCommands(client),
    async pipelineGet(key, n) {
      const batch = new Batch(false); // non-atomic: a pipeline, not MULTI/EXEC
      for (let i = 0; i < n; i++) batch.get(key);
      return client.exec(batch, true);
    },
    close: async () => client.close(),
  };
}

export async function createCluster({ ports }) {
  const client = await GlideClusterClient.createClient({ addresses: ports.map((port) => ({ host: '127.0.0.1', port })) });
  return { get: (k) => client.get(k), set: (k, v) => client.set(k, v), close: async () => client.close() };
}
