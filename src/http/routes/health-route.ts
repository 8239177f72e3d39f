import type { FastifyInstance } from 'fastify';

export type CheckState = 'up' | 'down' | 'loading' | 'disabled';
export type HealthCheck = () => Promise<CheckState>;

export interface HealthChecks {
  /** What this process cannot serve without: one not up (or disabled here) makes it unhealthy. */
  readonly required: Record<string, HealthCheck>;
  /** Reported, but what the process serves works without them: one down makes it `degraded`, still 200. */
  readonly informational?: Record<string, HealthCheck>;
}

type HealthStatus = 'ok' | 'degraded' | 'unavailable';

/**
 * The probes of every feelbot process. GET /healthz, readiness: 200 when every required check is up
 * (or disabled in this process), 503 otherwise, so an orchestrator routes around (or a Compose
 * healthcheck flags) a process that cannot do its work now. An informational check that is not up
 * turns `status` into `degraded` and keeps the 200. GET /livez, liveness: 200 whenever the process
 * answers at all, and no check runs, since a process waiting out an outage (holding messages for
 * Redis, loading its model) heals by itself, and a restart would lose what it holds.
 */
export function registerHealthRoute(app: FastifyInstance, checks: HealthChecks): void {
  app.get('/healthz', async (_request, reply) => {
    const [required, informational] = await Promise.all([run(checks.required), run(checks.informational ?? {})]);
    const status = statusOf(Object.values(required), Object.values(informational));
    return reply.status(status === 'unavailable' ? 503 : 200).send({ status, checks: { ...required, ...informational } });
  });
  app.get('/livez', async () => ({ status: 'alive' }));
}

async function run(checks: Record<string, HealthCheck>): Promise<Record<string, CheckState>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await check().catch((): CheckState => 'down')] as const),
  );
  return Object.fromEntries(entries);
}

const isFine = (state: CheckState) => state === 'up' || state === 'disabled';

function statusOf(required: readonly CheckState[], informational: readonly CheckState[]): HealthStatus {
  if (!required.every(isFine)) return 'unavailable';
  return informational.every(isFine) ? 'ok' : 'degraded';
}
