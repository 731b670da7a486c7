import { Controller, Get } from '@nestjs/common';
import { InjectRedis, type RedisApi } from '../lib/nest/index.js';

/** A visit counter: every GET /counter adds one and returns the total. */
@Controller('counter')
export class CounterController {
  constructor(@InjectRedis() private readonly redis: RedisApi) {}

  @Get()
  async hit(): Promise<{ count: number }> {
    return { count: await this.redis.incr('sample:counter') };
  }
}
