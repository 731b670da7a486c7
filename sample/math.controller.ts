import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ClientProxy, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';

/** The token of the microservice client registered in app.module.ts (RedisTransportClient). */
export const MATH_SERVICE = 'MATH_SERVICE';

/**
 * A microservice over redwire pub/sub (RedisTransportServer, started in main.ts; wire-compatible with Nest's
 * built-in Redis transport) and an HTTP route that calls it: GET /math/sum?n=1,2,3.
 */
@Controller('math')
export class MathController {
  constructor(@Inject(MATH_SERVICE) private readonly math: ClientProxy) {}

  @MessagePattern('math.sum')
  sum(@Payload() numbers: number[]): number {
    return numbers.reduce((a, b) => a + b, 0);
  }

  @Get('sum')
  async callSum(@Query('n') n = ''): Promise<{ sum: number }> {
    const numbers = n.split(',').filter((x) => x !== '').map(Number);
    if (numbers.some((x) => !Number.isFinite(x))) throw new BadRequestException('n: comma-separated numbers, e.g. ?n=1,2,3');
    return { sum: await firstValueFrom(this.math.send<number, number[]>('math.sum', numbers)) };
  }
}
