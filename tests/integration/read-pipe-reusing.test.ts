import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPipeReusing } from '../../src/main/core/audio/read-pipe-reusing.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// A real pipe: `cat` of a random file, read through readPipeReusing.
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
const file = join(tmp.dir, 'random.bin');
const bytes = randomBytes(3 << 20); // 3 MB: far more than a pipe holds (64 KB), so cat waits whenever reading stops
writeFileSync(file, bytes);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function cat(): { pipe: Socket; exited: Promise<number | null>; running: () => boolean } {
  const child = spawn('cat', [file], { stdio: ['ignore', 'pipe', 'ignore'] });
  let running = true;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => ((running = false), resolve(code))));
  return { pipe: child.stdout as Socket, exited, running: () => running };
}

describe('readPipeReusing', () => {
  it('delivers every byte of the pipe in order, always in the one buffer it was given, and says once when it ends', async () => {
    const { pipe, exited } = cat();
    const buffer = new Uint8Array(64 << 10);
    const got = new Uint8Array(bytes.length);
    let n = 0;
    let reads = 0;
    const foreign: number[] = [];
    let closes = 0;
    await new Promise<void>((resolve) => {
      const socket = readPipeReusing(
        pipe,
        buffer,
        (b) => {
          if (b.buffer !== buffer.buffer || b.byteOffset !== 0) foreign.push(reads);
          got.set(b, n);
          n += b.length;
          reads++;
          return true;
        },
        () => {
          closes++;
          resolve();
        },
      );
      expect(socket).not.toBeNull();
    });
    expect(await exited).toBe(0);
    expect(n).toBe(bytes.length);
    expect(sha(got)).toBe(sha(bytes));
    expect(reads).toBeGreaterThan(bytes.length / buffer.length - 1);
    expect(foreign).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(closes).toBe(1);
  });

  it('stops reading when the consumer says so (the writer waits) and goes on after resume()', async () => {
    const { pipe, exited, running } = cat();
    const buffer = new Uint8Array(16 << 10);
    const got: Uint8Array[] = [];
    let holding = true;
    let readsWhileHeld = 0;
    let ended = false;
    let held: { reads: number; catRunning: boolean; ended: boolean } | null = null;
    const closed = new Promise<void>((resolve) => {
      const socket = readPipeReusing(
        pipe,
        buffer,
        (b) => {
          got.push(b.slice());
          if (holding) readsWhileHeld++;
          return !holding;
        },
        () => ((ended = true), resolve()),
      )!;
      setTimeout(() => {
        held = { reads: readsWhileHeld, catRunning: running(), ended };
        holding = false;
        socket.resume();
      }, 300);
    });
    await closed;
    // one read came, then nothing for 300 ms: the pipe was full and cat was blocked in write
    expect(held).toEqual({ reads: 1, catRunning: true, ended: false });
    expect(await exited).toBe(0);
    expect(sha(Buffer.concat(got))).toBe(sha(bytes));
  });
});
