import type { Deserializer, Serializer } from '@nestjs/microservices';
import type { CreateClientOptions, RedisApi, RedisApiEvents } from '../index.js';

/** Options of `RedisTransportServer` and `RedisTransportClient`. */
export interface RedisTransportOptions {
  /**
   * A redwire client to run on, e.g. a RedisModule connection (`inject: [getRedisToken('name')]`). Requests and
   * replies use its pub/sub connection and its shared connection; the transport never closes it.
   */
  client?: RedisApi;
  /** Or a client of the transport's own (a URL or `createClient` options), closed with the transport. */
  connection?: string | CreateClientOptions;
  /**
   * Shard channels (SSUBSCRIBE/SPUBLISH) instead of classic pub/sub: on a Cluster each channel then lives on the
   * shard owning its slot instead of being broadcast to every node. Default: true on a `ClusterClient`, else false.
   * Nest's built-in Redis transport speaks classic pub/sub only: keep this false to talk to it.
   */
  sharded?: boolean;
  /** Server: message patterns are glob patterns (PSUBSCRIBE), like the built-in transport's `wildcards`. Classic pub/sub only. */
  wildcards?: boolean;
  /** Client: ms a request waits for its reply, then fails with TimeoutError. Default 0: no limit (or use rxjs `timeout()`). */
  timeout?: number;
  /** Nest serializer of outgoing packets (default: the packet as JSON, like the built-in transport). */
  serializer?: Serializer;
  /** Nest deserializer of incoming packets. */
  deserializer?: Deserializer;
}

/** Status of a transport, as Nest's built-in Redis transport names it. */
export type RedisTransportStatus = 'connected' | 'reconnecting' | 'disconnected';

/** Events `on(event, listener)` forwards to the redwire client (a type alias: Nest wants an index-signature map). */
export type RedisTransportEvents = { [K in keyof RedisApiEvents]: RedisApiEvents[K] };
