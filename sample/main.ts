// The sample app: `npm run build:sample && node sample/dist/sample/main.js` (or `bash scripts/demo.sh`).
// Compiled by tsc (sample/tsconfig.json) because Nest 12 is ESM-only and tsc emits the decorator metadata Nest uses.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // SIGTERM/SIGINT → onApplicationShutdown: redwire drains in-flight commands, QUITs and closes its sockets.
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '127.0.0.1');
  new Logger('Sample').log(`Listening on http://127.0.0.1:${port} (GET /counter, GET|PUT|DELETE /cache/:key, GET /health)`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
