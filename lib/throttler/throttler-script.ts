import { defineScript, ProtocolError, type RespValue } from '../index.js';

/** What `increment` returns, in @nestjs/throttler's shape (times in whole seconds, as its in-memory storage). */
export interface ThrottleRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/*
 * One call of @nestjs/throttler's in-memory `increment`, atomically, on Redis' clock (every app instance agrees).
 * KEYS[1] hits: sorted set, one member per counted hit, scored by the hit's expiry (ms) — a sliding log
 * KEYS[2] window: exists while the current window runs (its PTTL is `timeToExpire`)
 * KEYS[3] block: holds the block's end (ms) while blocked; kept `ttl` longer than the block so a finished block is
 *         still seen (and resets the hits) on the next call, as the in-memory storage does
 * ARGV: ttl ms, limit, blockDuration ms, a member id unique to this call
 * Reply: { totalHits, timeToExpire s, isBlocked 0/1, timeToBlockExpire s }
 */
const LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockMs = tonumber(ARGV[3])
local id = ARGV[4]

local function hit()
  redis.call('ZADD', KEYS[1], now + ttl, id)
  if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
end

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local windowLeft = redis.call('PTTL', KEYS[2])
if windowLeft <= 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ttl)
  windowLeft = ttl
end
local timeToExpire = math.ceil(windowLeft / 1000)

if blockMs <= 0 then
  local hits = redis.call('ZCARD', KEYS[1])
  if hits < limit then
    hit()
    return { hits + 1, timeToExpire, 0, 0 }
  end
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local blockLeft = timeToExpire
  if oldest[2] then blockLeft = math.ceil((tonumber(oldest[2]) - now) / 1000) end
  return { hits + 1, timeToExpire, 1, blockLeft }
end

local blockedUntil = tonumber(redis.call('GET', KEYS[3]))
if not blockedUntil then
  hit()
  if redis.call('ZCARD', KEYS[1]) > limit then
    blockedUntil = now + blockMs
    redis.call('SET', KEYS[3], blockedUntil, 'PX', blockMs + ttl)
  end
end
if blockedUntil and blockedUntil <= now then
  redis.call('DEL', KEYS[3], KEYS[1])
  blockedUntil = nil
  hit()
end
local hits = redis.call('ZCARD', KEYS[1])
if blockedUntil then return { hits, timeToExpire, 1, math.ceil((blockedUntil - now) / 1000) } end
return { hits, timeToExpire, 0, 0 }
`;

function toRecord(reply: RespValue): ThrottleRecord {
  if (!Array.isArray(reply) || reply.length !== 4 || !reply.every((n) => typeof n === 'number')) {
    throw new ProtocolError('The throttler script replied with something other than four integers.');
  }
  const [totalHits, timeToExpire, blocked, timeToBlockExpire] = reply as number[];
  return { totalHits, timeToExpire, isBlocked: blocked === 1, timeToBlockExpire };
}

/** EVALSHA, EVAL once on NOSCRIPT (a restarted server, a new cluster node). */
export const incrementScript = defineScript(LUA, { numberOfKeys: 3, transform: toRecord });
