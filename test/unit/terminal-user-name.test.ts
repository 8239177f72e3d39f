import { describe, expect, it } from 'vitest';
import { terminalUserName } from '../../src/chat/terminal-user-name.js';

const noPasswdEntry = () => {
  throw Object.assign(new Error('A system error occurred: uv_os_get_passwd returned ENOENT (no such file or directory)'), { code: 'ERR_SYSTEM_ERROR' });
};

describe('terminalUserName', () => {
  it("is the system's name for the user when it has one", () => {
    expect(terminalUserName(() => ({ username: 'ann' }), { USER: 'someone-else' })).toBe('ann');
  });

  it('is $USER when the uid has no passwd entry (docker --user, OpenShift)', () => {
    expect(terminalUserName(noPasswdEntry, { USER: 'ann' })).toBe('ann');
  });

  it('is a neutral name when neither gives one', () => {
    expect(terminalUserName(noPasswdEntry, {})).toBe('you');
    expect(terminalUserName(() => ({ username: '' }), { USER: '' })).toBe('you');
  });
});
