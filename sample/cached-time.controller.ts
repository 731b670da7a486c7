import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Controller, Get, Inject } from '@nestjs/common';
import type { Cache } from 'cache-manager';

/** GET /cached/time: computed once, then served from Redis for 10 s (cache-manager + Keyv + RedwireKeyvStore). */
@Controller('cached')
export class CachedTimeController {
  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  // get + set rather than cache.wrap(): cache-manager 7's wrap reads entries with Keyv 5's `raw` option, which
  // @nestjs/cache-manager's Keyv 6 does not know, so wrap would never see a hit.
  @Get('time')
  async time(): Promise<{ at: string }> {
    const hit = await this.cache.get<{ at: string }>('time');
    if (hit !== undefined && hit !== null) return hit;
    const fresh = { at: new Date().toISOString() };
    await this.cache.set('time', fresh, 10_000);
    return fresh;
  }
}
