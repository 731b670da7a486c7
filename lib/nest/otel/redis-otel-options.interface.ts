import type { RedwireInstrumentation, RedwireInstrumentationOptions } from '../../otel/index.js';

/** Options of `RedisOtelModule.forRoot`: which RedisModule connections to name, and the instrumentation's options. */
export interface RedisOtelModuleOptions extends RedwireInstrumentationOptions {
  /** RedisModule connection names whose metrics (and spans) carry `redwire.connection.name`. Default `['default']`. */
  connections?: readonly string[];
  /**
   * An instrumentation made with `instrumentRedwire()` (e.g. in the OpenTelemetry bootstrap file, before the app
   * module is imported): the module names connections on it and leaves it running at shutdown. Without it, the
   * module creates one from these options when it starts and disables it at shutdown.
   */
  instrumentation?: RedwireInstrumentation;
}
