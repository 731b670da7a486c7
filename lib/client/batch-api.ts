import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { PipelineResult } from './call-recorder.js';
import type { CommandMethodName, RedisCommandMethods } from './commands/command-methods.js';

/**
 * What `exec()` resolves with for queued reply types `R`: per position, `[error, result]` with the reply type of
 * the command queued there. When `error` is set, `result` is null (typed as the reply so destructuring
 * `const [[, n]] = ...` gives the reply type; check the error first when a command may fail). Commands queued
 * without chaining (`p.get(k)` on a `const p`, in a loop) are not in `R`: they follow as `[Error | null, unknown]`.
 */
export type ExecResult<R extends readonly unknown[]> = [...{ -readonly [I in keyof R]: [error: Error | null, result: R[I]] }, ...PipelineResult];

type Method<K extends CommandMethodName> = RedisCommandMethods[K];
/** Parameters of typed method `K`. */
export type MethodParams<K extends CommandMethodName> = Method<K> extends (...args: infer P) => Promise<unknown> ? P : never;
/**
 * Reply type of typed method `K`. A method whose reply depends on an option (`zrange` WITHSCORES, `set` GET, ...)
 * gives the union of its shapes here: a queued call keeps its parameters but not the generic choice.
 */
export type MethodReply<K extends CommandMethodName> = Method<K> extends (...args: never[]) => Promise<infer T> ? T : never;

/** The batch a queued call returns, by kind: each typed method appends its reply type to `R`. */
interface BatchKinds<R extends unknown[]> {
  pipeline: PipelineApi<R>;
  transaction: TransactionApi<R>;
}

/** Every typed method, queueing instead of sending, derived from `RedisCommandMethods` (no per-method typing). */
export type QueueingCommands<Kind extends keyof BatchKinds<[]>, R extends unknown[]> = {
  [K in CommandMethodName]: (...args: MethodParams<K>) => BatchKinds<[...R, MethodReply<K>]>[Kind];
};

interface BatchMembers<Kind extends keyof BatchKinds<[]>, R extends unknown[]> {
  /** Number of queued commands. */
  readonly length: number;
  /** True once `exec()` was called. */
  readonly executed: boolean;
  /** Queues any command, reply as decoded. */
  call(command: string, ...args: RedisArg[]): BatchKinds<[...R, RespValue]>[Kind];
  /** Sends every queued command: `[error, result]` per command, in order. A second call resolves `[]`. */
  exec(): Promise<ExecResult<R>>;
}

/**
 * A pipeline whatever the topology (`Pipeline`, `ClusterPipeline`): `R` holds the reply type of each queued
 * command, so `const [[, n], [, v]] = await redis.pipeline().incr('a').get('b').exec()` types `n: number` and
 * `v: string | null`. `exec()` never rejects because one command failed: that entry carries the error.
 */
export interface PipelineApi<R extends unknown[] = []> extends QueueingCommands<'pipeline', R>, BatchMembers<'pipeline', R> {}

/**
 * A MULTI/EXEC transaction whatever the topology (`Transaction`, `ClusterTransaction`), typed per position like
 * `PipelineApi`. `exec()` rejects with `WatchError` / `ExecAbortError`; on Cluster every key must be in one slot
 * (else `CrossSlotError` before anything is sent).
 */
export interface TransactionApi<R extends unknown[] = []> extends QueueingCommands<'transaction', R>, BatchMembers<'transaction', R> {}
