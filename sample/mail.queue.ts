import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';

interface MailJob {
  to: string;
}

/** Works the 'mail' queue (BullMQ over the app's redwire connection: createBullMQConnection in app.module.ts). */
@Processor('mail')
export class MailProcessor extends WorkerHost {
  async process(job: Job<MailJob>): Promise<string> {
    await job.updateProgress(100);
    return `sent to ${job.data.to}`;
  }
}

/** POST /mail { to } queues a job; GET /mail/:id says where it is and what it returned. */
@Controller('mail')
export class MailController {
  constructor(@InjectQueue('mail') private readonly queue: Queue<MailJob>) {}

  @Post()
  async send(@Body() body: { to?: unknown }): Promise<{ id: string }> {
    if (typeof body.to !== 'string' || body.to === '') throw new BadRequestException('Send JSON { "to": "someone@example.com" }.');
    const job = await this.queue.add('send', { to: body.to }, { removeOnComplete: 100, removeOnFail: 100 });
    return { id: String(job.id) };
  }

  @Get(':id')
  async status(@Param('id') id: string): Promise<{ id: string; state: string; result: unknown }> {
    // The state first, then the job: a job read before it completed would show 'completed' with no result yet.
    const state = await this.queue.getJobState(id);
    const job = await this.queue.getJob(id);
    if (job === undefined || state === 'unknown') throw new NotFoundException(`No job '${id}'.`);
    return { id, state, result: job.returnvalue ?? null };
  }
}
