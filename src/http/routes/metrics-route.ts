import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** GET /metrics: feelbot's own metrics plus BullMQ's, in Prometheus text format. */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry, bullmq?: () => Promise<string>): void {
  app.get('/metrics', async (_request, reply) => {
    const own = await registry.metrics();
    const queue = bullmq ? await bullmq().catch(() => '') : '';
    return reply.type(registry.contentType).send(`${own}\n${queue}`);
  });
}
