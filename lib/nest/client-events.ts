import type { RedisConnectionEvent } from './redis-connection.js';

interface EventSource {
  on(event: string, listener: (...args: never[]) => void): unknown;
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : 'connection lost';
}

/** Turns a client's / pool's connection events into log events (addresses and error messages only). */
export function forwardClientEvents(source: EventSource, label: string, listener: (event: RedisConnectionEvent) => void): void {
  source.on('ready', ((info?: { endpoint?: string; role?: string }) => {
    // Leased connections come and go with traffic; only the shared ones are worth a line.
    if (info?.role === 'exclusive') return;
    listener({ type: 'ready', message: `Connection ready: ${info?.endpoint ?? label}` });
  }) as (...args: never[]) => void);
  source.on('reconnecting', ((details?: { attempt?: number; delay?: number; cause?: unknown }) => {
    const attempt = details?.attempt === undefined ? '' : ` (attempt ${details.attempt}, in ${details.delay ?? 0} ms)`;
    listener({ type: 'reconnecting', message: `Reconnecting to ${label}${attempt} after ${describeCause(details?.cause)}` });
  }) as (...args: never[]) => void);
  source.on('error', ((error: unknown) => {
    listener({ type: 'error', message: `${label}: ${describeCause(error)}` });
  }) as (...args: never[]) => void);
}
