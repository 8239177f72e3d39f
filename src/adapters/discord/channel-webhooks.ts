import { DiscordAPIError, Routes, WebhookType, type REST } from 'discord.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';
import type { WebhookCredentials } from './webhook-location.js';

interface ApiWebhook {
  id: string;
  type: WebhookType;
  token?: string;
  name: string | null;
  application_id: string | null;
  channel_id?: string | null;
}

/** The webhook feelbot wants in a channel. */
export interface WebhookSpec {
  /** The cache slot: a persona's emotion, or "shared" when one webhook serves every persona. */
  readonly slot: string;
  /** The webhook's own name, how feelbot recognises its webhooks in a channel. */
  readonly name: string;
  /** A data URI of the avatar image, so the persona's face shows without any public URL. */
  readonly avatar?: () => Promise<string | undefined>;
}

/** A webhook of this application that a listing of the channel found, with the name it has there. */
export interface ListedWebhook extends WebhookCredentials {
  readonly name: string | null;
}

/** Discord's side of a channel's webhooks: find feelbot's, make one, change its avatar, delete one. */
export class ChannelWebhooks {
  /**
   * `createRest` must not repeat a create on a 5xx or a timeout by itself: Discord may have made
   * the webhook before failing, and the next attempt lists the channel's webhooks first and reuses it.
   */
  constructor(
    private readonly rest: REST,
    private readonly createRest: REST,
    private readonly applicationId: () => Promise<string>,
  ) {}

  /**
   * The channel's incoming webhooks of this application: those feelbot made, also the ones the
   * cache lost (a Redis flush). A user's or another application's is never among them. Any
   * failure here just means "none", so the caller makes the one it needs.
   */
  async listOurs(channelId: string): Promise<ListedWebhook[]> {
    try {
      const appId = await this.applicationId();
      const hooks = (await this.rest.get(Routes.channelWebhooks(channelId))) as ApiWebhook[];
      return hooks.flatMap((hook) => (hook.type === WebhookType.Incoming && hook.application_id === appId && hook.token ? [{ id: hook.id, token: hook.token, name: hook.name }] : []));
    } catch (error) {
      if (hasDiscordCode(error, DiscordCodes.MissingPermissions)) throw translateCreateError(error, channelId);
      // Discord down, a rate limit or a lost connection says nothing about what the channel holds:
      // creating anyway would leave a second webhook for each such blip, toward the 15 a channel allows.
      if (!(error instanceof DiscordAPIError) || error.status >= 500 || error.status === 429) throw error;
      return [];
    }
  }

  /** `avatar` is the data URI of `spec.avatar()`, read by the caller, which records what the webhook shows. */
  async create(channelId: string, spec: WebhookSpec, avatar: string | undefined): Promise<WebhookCredentials> {
    try {
      const hook = (await this.createRest.post(Routes.channelWebhooks(channelId), {
        body: { name: spec.name, ...(avatar ? { avatar } : {}) },
        reason: 'feelbot posts each persona under its own name and avatar',
      })) as ApiWebhook;
      if (!hook.token) throw new FeelbotError(ErrorCodes.DiscordRequestFailed, `Discord created webhook ${hook.id} without a token.`, { details: { webhookId: hook.id } });
      return { id: hook.id, token: hook.token };
    } catch (error) {
      throw translateCreateError(error, channelId);
    }
  }

  /** The webhook's token is enough to change its avatar: no Manage Webhooks needed. */
  async setAvatar(webhook: WebhookCredentials, avatar: string): Promise<void> {
    await this.rest.patch(Routes.webhook(webhook.id, webhook.token), { auth: false, body: { avatar }, reason: "the persona's avatar changed" });
  }

  /**
   * Deletes a webhook of feelbot's that serves nothing any more, once Discord confirms it is
   * this application's, named `name`, in this channel; one that is not (another's, or renamed or
   * moved by an admin) or is gone already is left alone. A Discord failure throws.
   */
  async deleteOurs(channelId: string, webhook: WebhookCredentials, name: string): Promise<void> {
    let hook: ApiWebhook;
    try {
      hook = (await this.rest.get(Routes.webhook(webhook.id, webhook.token), { auth: false })) as ApiWebhook;
    } catch (error) {
      // Deleted, or its token reset (a 401 may come without a code): nothing of feelbot's to delete.
      if (hasDiscordCode(error, DiscordCodes.UnknownWebhook) || (error instanceof DiscordAPIError && error.status === 401)) return;
      throw error;
    }
    if (hook.application_id !== (await this.applicationId()) || hook.name !== name || hook.channel_id !== channelId) return;
    await this.rest.delete(Routes.webhook(webhook.id, webhook.token), { auth: false, reason: "the persona's posts carry its avatar again" });
  }

  /** A webhook this worker made and no one uses; failing to delete it only leaves it unused. */
  async deleteQuietly(webhook: WebhookCredentials): Promise<void> {
    await this.rest.delete(Routes.webhook(webhook.id, webhook.token), { auth: false, reason: 'a duplicate feelbot made while another worker made the same one' }).catch(() => undefined);
  }
}

function translateCreateError(error: unknown, channelId: string): unknown {
  if (hasDiscordCode(error, DiscordCodes.MaximumWebhooks)) {
    return new FeelbotError(ErrorCodes.WebhookLimitReached, `<#${channelId}> already has 15 webhooks, Discord's limit; delete an unused one (Channel settings > Integrations > Webhooks).`, {
      cause: error,
      userFacing: true,
      permanent: true,
      details: { channelId },
    });
  }
  if (hasDiscordCode(error, DiscordCodes.MaximumGuildWebhooks)) {
    return new FeelbotError(ErrorCodes.WebhookLimitReached, `This server already has 1,000 webhooks, Discord's limit, so feelbot cannot add one for <#${channelId}>; delete unused ones (Server settings > Integrations > Webhooks).`, {
      cause: error,
      userFacing: true,
      permanent: true,
      details: { channelId, scope: 'server' },
    });
  }
  if (hasDiscordCode(error, DiscordCodes.MissingPermissions) || hasDiscordCode(error, DiscordCodes.MissingAccess)) {
    return new FeelbotError(
      ErrorCodes.DiscordPermissionMissing,
      `feelbot needs the Manage Webhooks permission in <#${channelId}>.`,
      { cause: error, userFacing: true, permanent: true, details: { channelId, permission: 'ManageWebhooks' } },
    );
  }
  return error;
}
