import type { RespValue } from '../../protocol/resp-value.js';

/** Reply text of INFO / CLUSTER INFO / CLUSTER NODES, whatever the protocol gave (string, Buffer, verbatim). */
export function replyText(reply: RespValue): string {
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  return String(reply);
}

/** `key:value` lines of INFO or CLUSTER INFO → record. */
export function parseInfo(reply: RespValue): Record<string, string> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of replyText(reply).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}
