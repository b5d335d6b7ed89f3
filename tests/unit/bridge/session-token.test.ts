import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateToken, readTokenFile, tokenBits, tokenProblem } from '../../../src/main/bridge/session-token.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

describe('serve tokens', () => {
  const tmp = makeTempDir('gt-token-');
  afterAll(() => tmp.cleanup());

  it('accepts 128 random bits in the usual spellings and a generated token', () => {
    for (const t of [randomBytes(16).toString('hex'), randomBytes(16).toString('base64url').slice(0, 22), randomBytes(24).toString('base64'), generateToken()]) {
      expect(tokenProblem(t), t).toBeNull();
    }
    expect(tokenBits(generateToken())).toBeGreaterThanOrEqual(128);
    // 22 base64url characters that happen to hold no digit or symbol (about one random token in a hundred)
    expect(tokenProblem('YigwrpGhXwXefYRnMTGYhA')).toBeNull();
  });

  it('refuses short, repetitive or unprintable tokens', () => {
    for (const t of ['a', 'secret-token-123', 'password1234', 'a'.repeat(64), 'abab'.repeat(16), '1234567890'.repeat(3), randomBytes(8).toString('hex')]) {
      expect(tokenProblem(t), t).toMatch(/too easy to guess/);
    }
    expect(tokenProblem(`${generateToken()} x`)).toMatch(/printable ASCII/);
    expect(tokenProblem(`${generateToken()}é`)).toMatch(/printable ASCII/);
  });

  it('reads a token file without its newline, and warns when others can read it', () => {
    const token = generateToken();
    const mine = join(tmp.dir, 'mine');
    writeFileSync(mine, `${token}\n`, { mode: 0o600 });
    expect(readTokenFile(mine)).toEqual({ token, warning: null });
    const shared = join(tmp.dir, 'shared');
    writeFileSync(shared, token, { mode: 0o644 });
    expect(readTokenFile(shared).warning).toMatch(/can be read by other users/);
    writeFileSync(join(tmp.dir, 'empty'), '\n');
    expect(() => readTokenFile(join(tmp.dir, 'empty'))).toThrow(/is empty/);
    expect(() => readTokenFile(join(tmp.dir, 'none'))).toThrow(/Cannot read the token file .*ENOENT/);
  });
});
