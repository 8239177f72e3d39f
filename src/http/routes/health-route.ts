import type { FastifyInstance } from 'fastify';

export type CheckState = 'up' | 'down' | 'loading' | 'disabled';
export type HealthCheck = () => Promise<CheckState>;

/** GET /healthz: 200 when every check is up (or disabled in this process), 503 otherwise. */
export function registerHealthRoute(app: FastifyInstance, checks: Record<string, HealthCheck>): void {
  app.get('/healthz', async (_request, reply) => {
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => [name, await check().catch((): CheckState => 'down')] as const),
      ),
    );
    const healthy = Object.values(results).every((state) => state === 'up' || state === 'disabled');
    return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'unavailable', checks: results });
  });
}
