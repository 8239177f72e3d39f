import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigFor, requireDiscordToken } from '../../src/config.js';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';

describe('loadConfig', () => {
  it('has working defaults for everything but the token', () => {
    const config = loadConfig({});
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.redis.prefix).toBe('{feelbot}');
    expect(config.discord.apiUrl).toBe('https://discord.com/api');
    expect(config.llm.gpu).toBe('auto');
    expect(config.http.port).toBe(8_080);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ LLM_GPU: 'tpu', HTTP_PORT: 'abc', REDIS_URL: 'not a url' });
      throw new Error('expected a config error');
    } catch (error) {
      expect(isFeelbotError(error, ErrorCodes.ConfigInvalid)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('LLM_GPU');
      expect(message).toContain('HTTP_PORT');
      expect(message).toContain('REDIS_URL');
    }
  });

  it('REDIS_URL must be a redis:// or rediss:// URL, which is what ioredis reads as a server', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL.*redis:\/\/ or rediss:\/\//);
    expect(loadConfig({ REDIS_URL: 'rediss://user:secret@cache.example:6380/2' }).redis.url).toBe('rediss://user:secret@cache.example:6380/2');
  });

  // `new URL('localhost:8080/api')` reads "localhost:" as a scheme: without one required, such a value would fail only at its first request.
  it.each([
    ['DISCORD_API_URL', 'localhost:8080/api'],
    ['DISCORD_CDN_URL', 'cdn.internal:8443'],
    ['AVATAR_BASE_URL', 'images.example.com:8080/avatars'],
    ['DISCORD_API_URL', 'ftp://discord.example/api'],
  ])('%s=%s, with no http:// or https:// scheme, is CONFIG_INVALID naming it', (name, value) => {
    const problem = configProblem({ [name]: value });
    expect(isFeelbotError(problem, ErrorCodes.ConfigInvalid)).toBe(true);
    expect((problem as Error).message).toMatch(new RegExp(`${name}: must be an http:// or https:// URL`));
  });

  it('every URL setting left without its scheme is listed at once, and http:// and https:// ones are taken', () => {
    const message = (configProblem({ DISCORD_API_URL: 'localhost:8080/api', DISCORD_CDN_URL: 'cdn.internal:8443', AVATAR_BASE_URL: 'images.example.com/a' }) as Error).message;
    expect(message).toMatch(/DISCORD_API_URL[\s\S]*DISCORD_CDN_URL[\s\S]*AVATAR_BASE_URL/);
    const config = loadConfig({ DISCORD_API_URL: 'http://localhost:8080/api/', DISCORD_CDN_URL: 'https://cdn.internal:8443', AVATAR_BASE_URL: 'https://images.example.com/a' });
    expect([config.discord.apiUrl, config.discord.cdnUrl, config.avatarBaseUrl]).toEqual(['http://localhost:8080/api', 'https://cdn.internal:8443', 'https://images.example.com/a']);
  });

  it('CONTEXT_MESSAGES goes up to the 20 earlier messages a job carries, not past them where they would be dropped', () => {
    expect(loadConfig({ CONTEXT_MESSAGES: '20' }).contextMessages).toBe(20);
    expect(() => loadConfig({ CONTEXT_MESSAGES: '50' })).toThrow(/CONTEXT_MESSAGES/);
  });

  it('a variable set to nothing takes its default, as one not set does', () => {
    const blank = loadConfig({ HTTP_PORT: '', CONTEXT_MESSAGES: ' ', LLM_SEQUENCES: '', LLM_GPU: '', EMOTION_MODEL: '' });
    const unset = loadConfig({});
    expect(blank.http.port).toBe(8_080);
    expect(blank.contextMessages).toBe(unset.contextMessages);
    expect(blank.llm).toEqual(unset.llm);
    expect(blank.emotion.model).toBe(unset.emotion.model);
  });

  it('LLM_LORA_SEQUENCES sets how many replies of one LoRA persona generate at once, one by default', () => {
    expect(loadConfig({}).llm.loraSequences).toBe(1);
    expect(loadConfig({ LLM_LORA_SEQUENCES: '3' }).llm.loraSequences).toBe(3);
    expect(() => loadConfig({ LLM_LORA_SEQUENCES: '0' })).toThrow(/LLM_LORA_SEQUENCES/);
  });

  it('without DISCORD_TOKEN, says what is missing and how to get it', () => {
    expect(() => requireDiscordToken(loadConfig({}))).toThrow(/DISCORD_TOKEN is not set[\s\S]*developers\/applications/);
  });

  it('for a command that reads a few variables, a bad value in another one is set aside with its problem, not fatal', () => {
    const env = { REDIS_URL: 'localhost:6379', HTTP_PORT: 'abc', EMOTION_MODEL: 'models/other' };
    const { config, ignored } = loadConfigFor(env, { reads: ['EMOTION_MODEL', 'LOG_LEVEL'] });
    expect(config.emotion.model).toBe('models/other');
    expect(config.redis.url).toBe(loadConfig({}).redis.url);
    expect(config.http.port).toBe(8_080);
    expect(ignored).toHaveLength(2);
    expect(ignored.find((problem) => problem.startsWith('REDIS_URL:'))).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(ignored.find((problem) => problem.startsWith('HTTP_PORT:'))).toBeDefined();
  });

  it('a bad value in a variable the command reads still stops it, naming only what it reads', () => {
    const load = () => loadConfigFor({ EMOTION_BACKEND: 'gpu', REDIS_URL: 'localhost' }, { reads: ['EMOTION_BACKEND'] });
    expect(load).toThrow(/EMOTION_BACKEND/);
    expect(load).not.toThrow(/REDIS_URL/);
    expect(() => loadConfigFor({ REDIS_URL: 'localhost' })).toThrow(/REDIS_URL/);
  });
});

/** The error loadConfig throws for `env`, or a failure when it throws none. */
function configProblem(env: NodeJS.ProcessEnv): unknown {
  try {
    loadConfig(env);
  } catch (error) {
    return error;
  }
  throw new Error('expected a config error');
}
