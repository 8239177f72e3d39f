import type { APIApplicationCommand } from 'discord-api-types/v10';
import { FakeApiError, DiscordErrorCode, invalidFormBody } from '../api-error.js';
import type { FakeContext } from '../context.js';
import type { Route, RouteRequest } from '../router.js';
import { nextSnowflake } from '../snowflake.js';

/** Registered application commands, global and per guild; PUT replaces the whole set as Discord does. */
export const commandRoutes: Route[] = [
  { method: 'GET', pattern: '/applications/:appId/commands', auth: 'bot', handler: (req, ctx) => ({ body: list(req, ctx) }) },
  { method: 'PUT', pattern: '/applications/:appId/commands', auth: 'bot', handler: (req, ctx) => ({ body: overwrite(req, ctx) }) },
  { method: 'POST', pattern: '/applications/:appId/commands', auth: 'bot', handler: (req, ctx) => ({ status: 201, body: upsert(req, ctx) }) },
  { method: 'GET', pattern: '/applications/:appId/guilds/:guildId/commands', auth: 'bot', handler: (req, ctx) => ({ body: list(req, ctx) }) },
  { method: 'PUT', pattern: '/applications/:appId/guilds/:guildId/commands', auth: 'bot', handler: (req, ctx) => ({ body: overwrite(req, ctx) }) },
  { method: 'POST', pattern: '/applications/:appId/guilds/:guildId/commands', auth: 'bot', handler: (req, ctx) => ({ status: 201, body: upsert(req, ctx) }) },
];

function scopeOf(req: RouteRequest, ctx: FakeContext): string {
  if (req.params.appId !== ctx.applicationId) {
    throw new FakeApiError(403, DiscordErrorCode.MissingAccess, 'Missing Access');
  }
  if (req.params.guildId) ctx.store.guild(req.params.guildId);
  return req.params.guildId ?? 'global';
}

function list(req: RouteRequest, ctx: FakeContext): APIApplicationCommand[] {
  return ctx.store.commands.get(scopeOf(req, ctx)) ?? [];
}

function overwrite(req: RouteRequest, ctx: FakeContext): APIApplicationCommand[] {
  const scope = scopeOf(req, ctx);
  const raw = req.rawBody ?? [];
  const bodies = Array.isArray(raw) ? (raw as Record<string, unknown>[]) : Object.values(raw as object);
  const previous = ctx.store.commands.get(scope) ?? [];
  const commands = bodies.map((body) => toCommand(ctx, scope, body, previous));
  ctx.store.commands.set(scope, commands);
  return commands;
}

function upsert(req: RouteRequest, ctx: FakeContext): APIApplicationCommand {
  const scope = scopeOf(req, ctx);
  const previous = ctx.store.commands.get(scope) ?? [];
  const command = toCommand(ctx, scope, req.body, previous);
  ctx.store.commands.set(scope, [...previous.filter((c) => c.name !== command.name), command]);
  return command;
}

function toCommand(
  ctx: FakeContext,
  scope: string,
  body: Record<string, unknown>,
  previous: APIApplicationCommand[],
): APIApplicationCommand {
  const name = body.name;
  if (typeof name !== 'string' || name.length === 0 || name.length > 32) throw invalidFormBody('Invalid Form Body: name');
  const type = typeof body.type === 'number' ? body.type : 1;
  const existing = previous.find((c) => c.name === name && c.type === type);
  return {
    id: existing?.id ?? nextSnowflake(),
    application_id: ctx.applicationId,
    version: nextSnowflake(),
    type,
    name,
    description: typeof body.description === 'string' ? body.description : '',
    options: (body.options as APIApplicationCommand['options']) ?? [],
    default_member_permissions: (body.default_member_permissions as string | null | undefined) ?? null,
    nsfw: Boolean(body.nsfw),
    ...(body.contexts ? { contexts: body.contexts } : {}),
    ...(body.integration_types ? { integration_types: body.integration_types } : {}),
    ...(scope === 'global' ? {} : { guild_id: scope }),
  } as APIApplicationCommand;
}
