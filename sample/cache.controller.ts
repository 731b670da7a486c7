import { BadRequestException, Body, Controller, Delete, Get, NotFoundException, Param, Put } from '@nestjs/common';
import { InjectRedis, type RedisApi } from '../lib/nest/index.js';

interface CacheEntryBody {
  value?: unknown;
  /** Seconds to live. Default 60. */
  ttl?: unknown;
}

/** A tiny string cache: PUT /cache/:key { value, ttl? }, GET /cache/:key, DELETE /cache/:key. */
@Controller('cache')
export class CacheController {
  constructor(@InjectRedis() private readonly redis: RedisApi) {}

  @Put(':key')
  async put(@Param('key') key: string, @Body() body: CacheEntryBody): Promise<{ key: string; ttl: number }> {
    const ttl = body.ttl ?? 60;
    if (typeof body.value !== 'string') throw new BadRequestException("Send JSON { \"value\": \"...\" } (a string).");
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1) throw new BadRequestException('ttl: whole seconds >= 1.');
    await this.redis.set(`sample:cache:${key}`, body.value, { EX: ttl });
    return { key, ttl };
  }

  @Get(':key')
  async get(@Param('key') key: string): Promise<{ key: string; value: string }> {
    const value = await this.redis.get(`sample:cache:${key}`);
    if (value === null) throw new NotFoundException(`No cached value for '${key}'.`);
    return { key, value };
  }

  @Delete(':key')
  async remove(@Param('key') key: string): Promise<{ key: string; deleted: boolean }> {
    return { key, deleted: (await this.redis.del(`sample:cache:${key}`)) === 1 };
  }
}
