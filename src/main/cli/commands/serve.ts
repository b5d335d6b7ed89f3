import { parseArgs } from 'node:util';
import { startHttpBridge } from '../../bridge/http-bridge.ts';
import { generateToken, readTokenFile, tokenProblem } from '../../bridge/session-token.ts';
import { trackAudioStreamer } from '../../services/audio.ts';
import { KEEP_WORKERS_MS } from '../../services/app-context.ts';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { ensureRendererBuilt } from '../ensure-renderer-built.ts';

/** The token from --token, --token-file or GENRE_TAGGER_TOKEN (checked), or a generated one. */
function chooseToken(values: { token?: string; 'token-file'?: string }): string {
  if (values.token !== undefined && values['token-file'] !== undefined) throw new UsageError('Give either --token or --token-file, not both');
  let token: string;
  let from: string;
  if (values['token-file'] !== undefined) {
    let read;
    try {
      read = readTokenFile(values['token-file']);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (read.warning) process.stderr.write(`${read.warning}\n`);
    [token, from] = [read.token, `the token in ${values['token-file']}`];
  } else if (values.token !== undefined) {
    [token, from] = [values.token, '--token'];
  } else if (process.env.GENRE_TAGGER_TOKEN) {
    [token, from] = [process.env.GENRE_TAGGER_TOKEN, 'GENRE_TAGGER_TOKEN'];
  } else {
    return generateToken();
  }
  const problem = tokenProblem(token);
  if (problem) throw new UsageError(`${from}: ${problem}`);
  return token;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the app to a browser on 127.0.0.1 (token-protected), on the same services as the desktop app',
  usage:
    'genre-tagger serve [--db FILE] [--port N] [--token-file FILE | --token TOKEN]\n\n' +
    'Every call must carry the token. Without one, a random token is made for this run and printed in the address\n' +
    'to open. A token you choose needs at least 128 bits (e.g. `openssl rand -base64 24`). --token is visible to\n' +
    'every user of this machine (in `ps`): prefer --token-file FILE (first line, readable only by you) or the\n' +
    'GENRE_TAGGER_TOKEN environment variable.',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { db: { type: 'string' }, port: { type: 'string' }, token: { type: 'string' }, 'token-file': { type: 'string' } },
    });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a number from 0 to 65535');
    const token = chooseToken(values);
    const rendererDir = ensureRendererBuilt((line) => process.stderr.write(`${line}\n`));
    const { ctx, api } = openCliContext(values.db, { readOnlyOk: true, keepWorkersMs: KEEP_WORKERS_MS, serving: true });
    const bridge = await startHttpBridge({ handlers: api, events: ctx.events, rendererDir, token, port, audio: trackAudioStreamer(ctx) });
    process.stdout.write(`Genre Tagger is serving ${ctx.dbPath}\nOpen ${bridge.openUrl}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.stderr.write('Stopping…\n');
    await bridge.close();
    await ctx.close();
    return 0;
  },
};
