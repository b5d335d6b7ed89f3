import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { cliPath } from './run-cli.ts';

export interface Served {
  url: string;
  token: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the real `genre-tagger serve` on a free port and waits for the address it prints. */
export function startServe(db: string, env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const token = randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, [cliPath, 'serve', '--db', db, '--port', '0', `--token=${token}`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}\n${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open (http:\/\/127\.0\.0\.1:\d+)\/\?token=/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          token,
          process: child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}\n${err}`));
    });
  });
}
