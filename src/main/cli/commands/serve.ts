import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startHttpBridge } from '../../bridge/http-bridge.ts';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { ensureRendererBuilt } from '../ensure-renderer-built.ts';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the app to a browser on 127.0.0.1 (token-protected), on the same services as the desktop app',
  usage: 'genre-tagger serve [--db FILE] [--port N] [--token TOKEN]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { db: { type: 'string' }, port: { type: 'string' }, token: { type: 'string' } },
    });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a number from 0 to 65535');
    const rendererDir = ensureRendererBuilt((line) => process.stderr.write(`${line}\n`));
    const { ctx, api } = openCliContext(values.db, { readOnlyOk: true });
    const token = values.token ?? process.env.GENRE_TAGGER_TOKEN ?? randomBytes(24).toString('base64url');
    const bridge = await startHttpBridge({ handlers: api, events: ctx.events, rendererDir, token, port });
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
