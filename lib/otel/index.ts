// redwire/otel: OpenTelemetry spans and metrics over redwire's diagnostics channels (needs @opentelemetry/api).
export { instrumentRedwire } from './instrument-redwire.js';
export type { RedwireInstrumentation } from './instrument-redwire.js';
export type { RedwireInstrumentationOptions, RedwireMetricGroups, RedwireHistogramBuckets } from './otel-options.js';
export { METRICS as REDWIRE_OTEL_METRICS, ATTR as REDWIRE_OTEL_ATTRIBUTES } from './semantic-names.js';
