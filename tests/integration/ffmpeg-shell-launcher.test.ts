import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHELL_LAUNCHER_NAME, startShellLauncher } from '../../src/main/core/audio/ffmpeg-shell-launcher.ts';
import type { ShellLauncher } from '../../src/main/core/audio/ffmpeg-shell-launcher.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { childProcesses, isRunning, processes } from '../helpers/child-processes.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The launcher shell on its own, with small commands in place of ffmpeg: what a run writes and says arrives, its
// exit status too, a kill lands whenever it is asked for, and ending the launcher leaves nothing behind. (When the
// process that started it dies instead, its input ends the same way: ffmpeg-launcher.test.ts and
// hardening/kill-classify.test.ts check that with real decodes.)

interface Outcome {
  stdout: string;
  stderr: string;
  code: number | null;
  error: string | null;
}

function launcher(): { l: ShellLauncher; run: (id: number, command: string, args: string[], onStart?: (id: number) => void) => Promise<Outcome>; lost: string[] } {
  const waiting = new Map<number, { out: Buffer[]; err: string; outEnded: Promise<void>; resolve: (o: Outcome) => void; onStart?: (id: number) => void }>();
  const lost: string[] = [];
  const l = startShellLauncher({
    started(id, stdout: Socket) {
      const w = waiting.get(id)!;
      w.outEnded = new Promise((resolve) => stdout.once('close', () => resolve()));
      stdout.on('data', (b: Buffer) => w.out.push(b));
      w.onStart?.(id);
    },
    stderr(id, text) {
      waiting.get(id)!.err += text;
    },
    exited(id, code, error) {
      const w = waiting.get(id)!;
      void w.outEnded.then(() => w.resolve({ stdout: Buffer.concat(w.out).toString('utf8'), stderr: w.err, code, error }));
    },
    lost: (reason) => lost.push(reason),
  });
  const run = (id: number, command: string, args: string[], onStart?: (id: number) => void): Promise<Outcome> =>
    new Promise((resolve) => {
      waiting.set(id, { out: [], err: '', outEnded: Promise.resolve(), resolve, onStart });
      l.hold(true);
      l.start(id, command, args);
    });
  return { l, run, lost };
}

/** This process's launcher shells now (children whose command line names the launcher). */
function launcherChildren(): number[] {
  return childProcesses()
    .filter((p) => p.state !== 'Z' && p.command.includes(SHELL_LAUNCHER_NAME))
    .map((p) => p.pid);
}

/**
 * The launcher shell started since `before` was taken, and its folder of named pipes ($1). Polled: right after the
 * spawn the child can still be the forked Node, not yet /bin/sh.
 */
async function theShell(before: number[]): Promise<{ pid: number; folder: string }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const pid = launcherChildren().find((p) => !before.includes(p));
    if (pid !== undefined) return { pid, folder: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[4] };
    if (Date.now() > deadline) throw new Error('no launcher shell started');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits (at most 5 s) until `done()` holds; whether it does. */
async function until(done: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 5000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return done();
}

/** The processes below `pid`, children and theirs. */
function below(pid: number): number[] {
  const all = processes();
  const found: number[] = [];
  for (let level = [pid]; level.length > 0; ) {
    level = all.filter((p) => level.includes(p.ppid) && p.state !== 'Z').map((p) => p.pid);
    found.push(...level);
  }
  return found;
}

describe('the ffmpeg launcher shell', () => {
  it('runs commands side by side with their output, stderr and exit status, and arguments of any bytes', async () => {
    const before = launcherChildren();
    const { l, run, lost } = launcher();
    const awkward = ["it's", 'a\nb', 'c\\d', '$HOME', '`id`', '$(id)', '', ' spaced ', '-n', '☃'];
    const [printed, failed, missing, big] = await Promise.all([
      run(1, 'printf', ['%s|', ...awkward]),
      run(2, '/bin/sh', ['-c', 'echo to stderr >&2; echo to stdout; exit 3']),
      run(3, '/no/such/ffmpeg', ['-i', 'x']),
      run(4, '/bin/sh', ['-c', 'head -c 3000000 /dev/zero']),
    ]);
    expect(printed).toEqual({ stdout: `${awkward.join('|')}|`, stderr: '', code: 0, error: null });
    expect(failed).toEqual({ stdout: 'to stdout\n', stderr: 'to stderr\n', code: 3, error: null });
    expect(missing.code).toBeNull();
    expect(missing.error).toMatch(/^\/no\/such\/ffmpeg could not be run \(status 127\)$/);
    expect(missing.stderr).toMatch(/not found/);
    expect(big.stdout.length).toBe(3_000_000);
    const shell = await theShell(before);
    expect(existsSync(shell.folder)).toBe(true);
    await l.end(2000);
    expect(isRunning(shell.pid)).toBe(false);
    expect(existsSync(shell.folder)).toBe(false);
    expect(lost).toEqual(['the launcher shell ended (status 0)']);
  });

  it('kills a run asked to stop before it has even started, and one that is running', async () => {
    const before = launcherChildren();
    const { l, run } = launcher();
    const shell = await theShell(before);
    const early = run(1, 'sleep', ['30']);
    l.kill(1); // before the shell has said anything about it
    const late = run(2, '/bin/sh', ['-c', 'echo started; exec sleep 30'], (id) => setTimeout(() => l.kill(id), 200));
    const [a, b] = await Promise.all([early, late]);
    expect(a.code).toBe(137); // 128 + SIGKILL
    expect(b).toEqual({ stdout: 'started\n', stderr: '', code: 137, error: null });
    // each monitor shell exits just after reporting its run's status
    expect(await until(() => below(shell.pid).length === 0)).toBe(true);
    await l.end(2000);
  });

  it('kills what still runs and waits for it when it is ended', async () => {
    const before = launcherChildren();
    const { l, run } = launcher();
    const shell = await theShell(before);
    const running = run(1, 'sleep', ['30']);
    await until(() => below(shell.pid).length >= 2);
    const kids = below(shell.pid); // its monitor shell, and the sleep
    expect(kids).toHaveLength(2);
    await l.end(2000);
    expect(isRunning(shell.pid)).toBe(false);
    for (const pid of kids) expect(isRunning(pid), String(pid)).toBe(false);
    expect((await running).code).toBeGreaterThan(128); // killed by a signal: TERM to the group, or the monitor's KILL
  });

  it("reads FIFOs in worker threads without Node's fd tracking: no 'unmanaged mode twice' warning, run after run", () => {
    const tmp = makeTempDir();
    try {
      const files = [1, 2, 3].map((i) => makeAudioFile(join(tmp.dir, 'lib', `t${i}.mp3`), { format: 'mp3', seconds: 4 + i }));
      const env: NodeJS.ProcessEnv = { ...process.env, GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
      delete env.GENRE_TAGGER_FFMPEG_LAUNCHER;
      // decodeAudioChunks reads through the ffmpeg reader's own thread; classify serves its workers' reads from its
      // job's thread. Each run opens two FIFOs, whose fd numbers the next run gets again.
      const decode = `import { decodeAudioChunks } from ${JSON.stringify(join(projectRoot, 'src/main/core/audio/decode-audio.ts'))};
        for (const f of ${JSON.stringify(files)}) { let n = 0; for await (const c of decodeAudioChunks(f, {})) n += c.length; console.log(n); }`;
      const script = join(tmp.dir, 'decode.mts');
      writeFileSync(script, decode);
      const runs = [
        spawnSync(process.execPath, [script], { env, encoding: 'utf8' }),
        spawnSync(process.execPath, [join(projectRoot, 'bin/genre-tagger.js'), 'classify', '--workers', '1', join(tmp.dir, 'lib')], { env, encoding: 'utf8' }),
      ];
      for (const r of runs) expect(r.status, r.stderr).toBe(0);
      expect(runs[0].stdout.trim().split('\n').map(Number)).toEqual([5, 6, 7].map((s) => expect.closeTo(s * 22050, -3)));
      expect(runs[1].stderr).toContain('Listened to 3 of 3');
      expect(runs.flatMap((r) => r.stderr.split('\n').filter((line) => /Warning|unmanaged/.test(line)))).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });
});
