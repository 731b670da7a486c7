import diagnosticsChannel from 'node:diagnostics_channel';

/** The diagnostics-channel listeners (and other undos) of one telemetry part, removed together by `clear()`. */
export class ChannelSubscriptions {
  readonly #undo: (() => void)[] = [];

  /** Subscribes `handler` to the plain channel `name`; the message type is the channel's documented shape. */
  on<M>(name: string, handler: (message: M) => void): void {
    const listener = (message: unknown): void => handler(message as M);
    diagnosticsChannel.subscribe(name, listener);
    this.#undo.push(() => diagnosticsChannel.unsubscribe(name, listener));
  }

  /** Registers an undo that `clear()` runs (tracing channels, batch observable callbacks). */
  add(...undo: (() => void)[]): void {
    this.#undo.push(...undo);
  }

  clear(): void {
    for (const undo of this.#undo.splice(0)) undo();
  }
}
