import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/**
 * The token that protects `serve`: anyone on the machine who has it can drive the app, so it must not be
 * guessable. A generated one has 192 random bits. One given by the person must have at least 128 bits by a
 * conservative estimate: its length times log2 of the alphabet its characters are drawn from (lower case 26,
 * upper case 26, digits 10, other printable ASCII 33; a token in base64 or base64url's alphabet with both cases of
 * letters counts as drawn from all 64, since 22 random base64url characters may happen to hold no digit or
 * symbol, one time in a hundred), with at least 8 different characters (so "aaaa…" or a repeated word does not
 * pass). 32 hex digits, 22 base64url characters or `openssl rand -base64 24` pass.
 */

export const minTokenBits = 128;
const maxTokenLength = 512;

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The estimated strength of a token in bits (see above). */
export function tokenBits(token: string): number {
  const base64 = /^(?:[A-Za-z0-9_-]+|[A-Za-z0-9+/]+={0,2})$/.test(token) && /[a-z]/.test(token) && /[A-Z]/.test(token);
  if (base64) return token.replace(/=+$/, '').length * 6;
  let alphabet = 0;
  if (/[a-z]/.test(token)) alphabet += 26;
  if (/[A-Z]/.test(token)) alphabet += 26;
  if (/[0-9]/.test(token)) alphabet += 10;
  if (/[^a-zA-Z0-9]/.test(token)) alphabet += 33;
  return alphabet === 0 ? 0 : token.length * Math.log2(alphabet);
}

/** Why a token cannot protect the server, or null when it can. */
export function tokenProblem(token: string): string | null {
  if (!/^[\x21-\x7e]*$/.test(token)) return 'The token may contain only printable ASCII characters without spaces';
  if (token.length > maxTokenLength) return `The token is longer than ${maxTokenLength} characters`;
  const bits = tokenBits(token);
  if (bits < minTokenBits || new Set(token).size < 8) {
    return (
      `The token is too easy to guess (about ${Math.floor(bits)} bits; at least ${minTokenBits} are needed, e.g. 32 hex ` +
      'digits or 22 base64url characters from `openssl rand -base64 24`); or leave it out and one is generated'
    );
  }
  return null;
}

/** Reads a token from a file (surrounding whitespace and the final newline are not part of it). */
export function readTokenFile(path: string): { token: string; warning: string | null } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the token file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const token = text.trim();
  if (token === '') throw new Error(`The token file ${path} is empty`);
  const mode = statSync(path).mode;
  const warning =
    process.platform !== 'win32' && (mode & 0o077) !== 0
      ? `Warning: the token file ${path} can be read by other users (chmod 600 ${path})`
      : null;
  return { token, warning };
}
