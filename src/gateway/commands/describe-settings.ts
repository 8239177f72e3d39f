import { EMOTIONS } from '../../domain/emotions.js';
import type { GuildSettings } from '../../domain/guild-settings.js';

/** Every setting at a glance, as the /feelbot settings answer shows it. */
export function describeSettings(settings: GuildSettings): string {
  const personas = EMOTIONS.map((emotion) => `${settings.disabledPersonas.includes(emotion) ? '✗' : '✓'} ${emotion}`).join('  ');
  const modes = Object.entries(settings.modes).map(([id, mode]) => `<#${id}>: ${mode}`);
  const looks = Object.entries(settings.personaLooks).map(([emotion, look]) => `${emotion} → ${[look?.name, look?.avatarUrl].filter(Boolean).join(', ')}`);
  return [
    `**Personas:** ${personas}`,
    `**Default mode:** ${settings.defaultMode}`,
    `**Channels:** ${modes.length ? modes.join(', ') : 'none set'}`,
    `**Cooldowns:** ${settings.userCooldownSeconds}s per person, ${settings.channelCooldownSeconds}s per channel`,
    `**Log channel:** ${settings.logChannelId ? `<#${settings.logChannelId}>` : 'none'}`,
    ...(looks.length ? [`**Custom looks:** ${looks.join('; ')}`] : []),
  ].join('\n');
}
