import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';

/** Where one connection goes. Either TCP (`host` + `port`) or a unix socket (`path`). */
export interface Endpoint {
  host?: string;
  port?: number;
  path?: string;
  /** TLS SNI / hostname to verify, when it differs from `host` (e.g. an address announced by Sentinel/Cluster). */
  servername?: string;
}

/** Resolves the endpoint on every (re)connect; Sentinel and Cluster plug in their own. */
export type EndpointResolver = () => Promise<Endpoint> | Endpoint;

export interface Credentials {
  username?: string;
  password?: string;
}

/** Called on every (re)connect; lets tokens rotate (e.g. cloud IAM auth). */
export type CredentialProvider = () => Promise<Credentials> | Credentials;

/** Returns the delay in ms before reconnect attempt `attempt` (1-based), or `false` to give up. */
export type RetryStrategyFn = (attempt: number, cause: Error | undefined) => number | false;

export type BackoffKind = 'constant' | 'exponential' | 'full-jitter' | 'equal-jitter' | 'decorrelated-jitter';

export interface RetryOptions {
  /** Give up after this many consecutive failed attempts. Default 20. `Infinity` never gives up. */
  attempts?: number;
  /** Backoff shape, or a function. Default 'equal-jitter'. */
  strategy?: BackoffKind | RetryStrategyFn;
  /** First delay in ms. Default 50. */
  base?: number;
  /** Largest delay in ms. Default 2000. */
  cap?: number;
}

/** Hook run after the handshake on every (re)connect, e.g. READONLY (cluster replicas) or a ROLE check (Sentinel). */
export type AfterHandshakeHook = (
  send: (args: readonly (string | Buffer | number)[]) => Promise<unknown>,
  endpoint: Endpoint,
) => Promise<void>;

/**
 * Options of one connection. The same names are used by every layer above (pool, client, Sentinel, Cluster, Nest
 * module) and are what `parseRedisUrl` returns. Defaults: `DEFAULT_CONNECTION_OPTIONS`.
 */
export interface ConnectionOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 6379. */
  port?: number;
  /** Unix socket path; when set, host/port are ignored. */
  path?: string;
  /** `true` for TLS with Node's defaults (certificate and hostname verified), or Node TLS options. Default off. */
  tls?: boolean | TlsConnectionOptions;
  username?: string;
  password?: string;
  /** Called on every (re)connect instead of the static username/password. */
  credentialProvider?: CredentialProvider;
  /** Database index selected after connecting. Default 0. */
  db?: number;
  /** RESP version to negotiate. 3 uses HELLO 3; 2 uses AUTH/SELECT only. Default 3, falling back to 2. */
  protocol?: 2 | 3;
  /** CLIENT SETNAME value. */
  clientName?: string;
  /** ms to open the socket and finish the handshake. Default 10000. */
  connectTimeout?: number;
  /**
   * ms a command may wait for its reply (queue time included); then it fails with TimeoutError('command') and its
   * late reply is discarded. When the oldest command in flight passed it and not one byte arrived since it was
   * written, the socket is declared dead (`stalled` event, ConnectionStalledError) and replaced. 0 disables both.
   * Default 5000. Per command: `sendCommand(args, { timeout })`; the client adds a blocking command's block time.
   */
  commandTimeout?: number;
  /** TCP keep-alive initial delay in ms, or false to disable. Default 30000. */
  keepAlive?: number | false;
  /** Disable Nagle's algorithm. Default true. */
  noDelay?: boolean;
  /** Reconnect policy: `false` never reconnects, a number is `attempts`, or full options. */
  retry?: false | number | RetryOptions | RetryStrategyFn;
  /**
   * Commands waiting for the connection: while it (re)connects, and while the in-flight bounds below are reached.
   * Beyond this, single commands fail at once with QueueFullError (never sent). Default 10000.
   */
  maxQueued?: number;
  /**
   * Commands written to the socket and not yet answered. Beyond this, commands wait (up to `maxQueued`; an
   * explicit pipeline streams out in chunks as replies arrive). Default 100000.
   */
  maxInFlight?: number;
  /** Bytes written to the socket and not yet answered; same as `maxInFlight`, by size. Default 64 MiB. */
  maxInFlightBytes?: number;
  /** PING before use when the connection has been idle longer than this (ms). 0 disables. Default 0. */
  healthCheckInterval?: number;
  /** Largest accepted bulk length from the server. Default 512 MiB. */
  maxBulkLength?: number;
  /**
   * Decode the bulk strings of pushes as Buffers instead of UTF-8 strings: RESP3 push frames and, on RESP2, pub/sub
   * frames (messages and confirmations) while the socket is in subscriber mode. Needed for binary pub/sub payloads
   * (a string would replace invalid UTF-8 bytes). `push` listeners then get Buffers. Default false.
   */
  pushBuffers?: boolean;
  /** Resolves the address on every (re)connect; overrides host/port/path. */
  resolveEndpoint?: EndpointResolver;
  /** Runs after the handshake on every (re)connect. */
  afterHandshake?: AfterHandshakeHook;
  /**
   * Do not connect until `connect()` or the first command. Default false (a `Connection` starts connecting in its
   * constructor); pools pass true.
   */
  lazyConnect?: boolean;
}
