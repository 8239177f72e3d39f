import { EMOTIONS } from '../../domain/emotions.js';
import type { GuildSettings } from '../../domain/guild-settings.js';

/**
 * Discord refuses a message over 2,000 characters; the answers put a line of their own before the
 * description, so it keeps below this.
 */
export const MAX_DESCRIPTION_CHARS = 1_600;

/**
 * Every setting at a glance, as the /feelbot settings answer shows it. A server with many channel
 * modes or long custom looks sees the first ones and how many more there are, so the answer always
 * fits in one Discord message.
 */
export function describeSettings(settings: GuildSettings, maxChars: number = MAX_DESCRIPTION_CHARS): string {
  const personas = EMOTIONS.map((emotion) => `${settings.disabledPersonas.includes(emotion) ? '✗' : '✓'} ${emotion}`).join('  ');
  const modes = Object.entries(settings.modes).map(([id, mode]) => `<#${id}>: ${mode}`);
  const looks = Object.entries(settings.personaLooks).map(([emotion, look]) => `${emotion} → ${[look?.name, look?.avatarUrl].filter(Boolean).join(', ')}`);
  const render = (shownModes: number, shownLooks: number) =>
    [
      `**Personas:** ${personas}`,
      `**Default mode:** ${settings.defaultMode}`,
      `**Channels:** ${modes.length ? listed(modes, shownModes, ', ') : 'none set'}`,
      `**Cooldowns:** ${settings.userCooldownSeconds}s per person, ${settings.channelCooldownSeconds}s per channel`,
      `**Log channel:** ${settings.logChannelId ? `<#${settings.logChannelId}>` : 'none'}`,
      ...(looks.length ? [`**Custom looks:** ${listed(looks, shownLooks, '; ')}`] : []),
    ].join('\n');
  // Custom looks give way first (they can be long URLs), then channels, one entry at a time.
  let [shownModes, shownLooks] = [modes.length, looks.length];
  let text = render(shownModes, shownLooks);
  while (text.length > maxChars && (shownLooks > 0 || shownModes > 0)) {
    if (shownLooks > 0) shownLooks -= 1;
    else shownModes -= 1;
    text = render(shownModes, shownLooks);
  }
  return text;
}

function listed(entries: readonly string[], shown: number, separator: string): string {
  const more = entries.length - shown;
  const head = entries.slice(0, shown).join(separator);
  if (more === 0) return head;
  return `${head}${shown > 0 ? separator : ''}…and ${more} more`;
}
