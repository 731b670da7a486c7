import diagnosticsChannel from 'node:diagnostics_channel';
import { context, SpanKind, SpanStatusCode, type Attributes, type Counter, type Histogram, type Span, type Tracer } from '@opentelemetry/api';
import type { BatchTraceContext, CommandTraceContext } from '../connection/connection-diagnostics.js';
import { REDWIRE_CHANNELS } from '../connection/connection-diagnostics.js';
import { ChannelSubscriptions } from './channel-subscriptions.js';
import type { NormalizedInstrumentationOptions } from './otel-options.js';
import type { PoolRegistry } from './pool-registry.js';
import { queryText } from './query-text.js';
import { ATTR } from './semantic-names.js';

interface InFlight {
  span: Span | undefined;
  started: number;
  /** The metric attributes (shared, never mutated: see `#baseAttributes`). */
  attributes: Attributes;
}

/** One connection's attribute sets by operation name, valid while its endpoint, db and connection name stay the same. */
interface AttributeCache {
  database: number;
  address: string;
  port: number | undefined;
  name: string | undefined;
  byOperation: Map<string, Attributes>;
}

export interface CommandInstruments {
  duration: Histogram | undefined;
  errors: Counter | undefined;
}

/** What a failure is called: the error class (`error.type`) and, for a server error reply, its prefix. */
export function errorAttributes(error: unknown, into: Attributes): void {
  const name = error instanceof Error ? error.name : typeof error;
  into[ATTR.errorType] = name;
  const prefix = (error as { prefix?: unknown } | null)?.prefix;
  if (typeof prefix === 'string') into[ATTR.statusCode] = prefix;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Spans and `db.client.operation.duration` from `redwire:command` (one command) and `redwire:batch` (a pipeline or
 * transaction written at once: one span with `db.operation.batch.size`, for a transaction its queued commands).
 * The parent is the context active when the command was sent (the `start` event runs synchronously in the caller).
 */
export class CommandTelemetry {
  readonly #inFlight = new WeakMap<object, InFlight>();
  /** Attribute sets per connection: built once per operation instead of per command (and shared with the metrics). */
  readonly #attributeCache = new WeakMap<object, AttributeCache>();
  /** For commands without a connection object. */
  readonly #noConnection = {};
  readonly #subscriptions = new ChannelSubscriptions();

  constructor(
    private readonly options: NormalizedInstrumentationOptions,
    private readonly tracer: Tracer | undefined,
    private readonly instruments: CommandInstruments,
    private readonly registry: PoolRegistry,
  ) {}

  start(): void {
    const command = diagnosticsChannel.tracingChannel<string, CommandTraceContext>(REDWIRE_CHANNELS.command);
    const commandHandlers = {
      start: (ctx: CommandTraceContext) => this.#begin(ctx, ctx.command, this.#commandAttributes(ctx)),
      end: noop,
      asyncStart: noop,
      asyncEnd: (ctx: CommandTraceContext) => this.#finish(ctx, ctx.error, undefined),
      error: noop,
    };
    command.subscribe(commandHandlers);
    const batch = diagnosticsChannel.tracingChannel<string, BatchTraceContext>(REDWIRE_CHANNELS.batch);
    const batchHandlers = {
      start: (ctx: BatchTraceContext) => {
        // A transaction of client.multi() says so; a raw pipeline that starts with MULTI is one too.
        const name = ctx.kind === 'transaction' || ctx.commands[0] === 'MULTI' ? 'MULTI' : 'PIPELINE';
        const attributes = this.#baseAttributes(name, ctx.database, ctx.serverAddress, ctx.serverPort, ctx.connection);
        this.#begin(ctx, name, attributes, { [ATTR.batchSize]: ctx.commands.length });
      },
      end: noop,
      asyncStart: noop,
      asyncEnd: (ctx: BatchTraceContext) => this.#finish(ctx, ctx.error, ctx.errors),
      error: noop,
    };
    batch.subscribe(batchHandlers);
    this.#subscriptions.add(() => command.unsubscribe(commandHandlers), () => batch.unsubscribe(batchHandlers));
  }

  stop(): void {
    this.#subscriptions.clear();
  }

  #allowed(name: string): boolean {
    const { include, exclude } = this.options;
    return (include === undefined || include.has(name)) && !exclude.has(name);
  }

  /**
   * The attributes of operation `name` on a connection: one object per connection and operation, reused by every
   * command (spans copy them; histogram and counter records read them). Never mutated: per-command additions
   * (query text, batch size, error type) go on a copy.
   */
  #baseAttributes(name: string, db: number, address: string, port: number | undefined, connection: object | undefined): Attributes {
    const key = connection ?? this.#noConnection;
    const connectionName = this.registry.nameOfConnection(connection);
    let cache = this.#attributeCache.get(key);
    if (cache === undefined || cache.database !== db || cache.address !== address || cache.port !== port || cache.name !== connectionName) {
      cache = { database: db, address, port, name: connectionName, byOperation: new Map() };
      this.#attributeCache.set(key, cache);
    }
    let attributes = cache.byOperation.get(name);
    if (attributes === undefined) {
      attributes = {
        ...this.options.attributes,
        [ATTR.system]: 'redis',
        [ATTR.operation]: name,
        [ATTR.namespace]: String(db),
        [ATTR.serverAddress]: address,
      };
      if (port !== undefined) attributes[ATTR.serverPort] = port;
      if (connectionName !== undefined) attributes[ATTR.connectionName] = connectionName;
      // A client sending arbitrary command names through call() must not grow the cache without bound.
      if (cache.byOperation.size < 512) cache.byOperation.set(name, attributes);
    }
    return attributes;
  }

  #commandAttributes(ctx: CommandTraceContext): Attributes {
    return this.#baseAttributes(ctx.command, ctx.database, ctx.serverAddress, ctx.serverPort, ctx.connection);
  }

  /** `attributes` are shared (metrics too); `spanOnly` are added to the span alone. */
  #begin(ctx: object, name: string, attributes: Attributes, spanOnly?: Attributes): void {
    if (!this.#allowed(name)) return;
    let span: Span | undefined;
    if (this.tracer !== undefined) {
      let spanAttributes = spanOnly === undefined ? attributes : { ...attributes, ...spanOnly };
      if (this.options.captureQueryText && 'args' in ctx) {
        const c = ctx as CommandTraceContext;
        // Never in the metric attributes (unbounded cardinality).
        spanAttributes = { ...spanAttributes, [ATTR.queryText]: queryText(c.command, c.args, this.options.maxQueryTextLength) };
      }
      span = this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: spanAttributes }, context.active());
    }
    this.#inFlight.set(ctx, { span, started: performance.now(), attributes });
  }

  #finish(ctx: object, error: unknown, batchErrors: number | undefined): void {
    const state = this.#inFlight.get(ctx);
    if (state === undefined) return;
    this.#inFlight.delete(ctx);
    const seconds = (performance.now() - state.started) / 1000;
    const { span } = state;
    let metricAttributes = state.attributes;
    if (batchErrors !== undefined) span?.setAttribute(ATTR.batchErrors, batchErrors);
    if (error !== undefined) {
      const failure: Attributes = {};
      errorAttributes(error, failure);
      metricAttributes = { ...metricAttributes, ...failure };
      span?.setAttributes(failure);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
      this.instruments.errors?.add(1, metricAttributes);
    }
    span?.end();
    this.instruments.duration?.record(seconds, metricAttributes);
  }
}

function noop(): void {}
