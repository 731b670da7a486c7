// redwire/nest/otel: RedisOtelModule (needs @opentelemetry/api next to @nestjs/common and @nestjs/core).
export { RedisOtelModule } from './redis-otel.module.js';
export { RedisOtelService } from './redis-otel.service.js';
export { REDIS_OTEL_OPTIONS } from './redis-otel.constants.js';
export type { RedisOtelModuleOptions } from './redis-otel-options.interface.js';
