import { spawn } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/main/project-root.ts';

export const cliPath = join(projectRoot, 'bin', 'genre-tagger.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `genre-tagger` command in a child process. */
export function runCli(args: string[], options: SpawnOptions & { input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      ...options,
      env: { ...process.env, GENRE_TAGGER_HOME: undefined, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin!.end(options.input ?? '');
  });
}
