// The sample app: `npm run build:sample && node sample/dist/sample/main.js` (or `bash scripts/demo.sh`).
// Compiled by tsc (sample/tsconfig.json) because Nest 12 is ESM-only and tsc emits the decorator metadata Nest uses.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getRedisToken } from '../lib/nest/index.js';
import type { RedisApi } from '../lib/index.js';
import { RedisTransportServer } from '../lib/microservices/index.js';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // SIGTERM/SIGINT → onApplicationShutdown: redwire drains in-flight commands, QUITs and closes its sockets.
  app.enableShutdownHooks();
  // The app is also a microservice over redwire pub/sub (@MessagePattern handlers, e.g. MathController.sum).
  app.connectMicroservice({ strategy: new RedisTransportServer({ client: app.get<RedisApi>(getRedisToken()) }) });
  await app.startAllMicroservices();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '127.0.0.1');
  new Logger('Sample').log(
    `Listening on http://127.0.0.1:${port} (GET /counter, GET|PUT|DELETE /cache/:key, GET /cached/time, POST /mail, ` +
      'GET /mail/:id, GET /math/sum?n=1,2,3, GET /health)',
  );
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
