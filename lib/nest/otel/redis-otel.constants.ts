/** Injection token of the options given to `RedisOtelModule.forRoot`. */
export const REDIS_OTEL_OPTIONS = 'redwire:otel:options';
