import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AudioDecodeError } from '../../core/audio/audio-decode-error.ts';
import { analyzeTrack } from '../../core/features/analyze-track.ts';
import { featureRecord, gtzanFeatureNames } from '../../core/features/gtzan-feature-names.ts';
import { spectrogramPng } from '../../core/image/spectrogram-image.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(6) : v.toFixed(6);
}

export const analyzeCommand: CliCommand = {
  name: 'analyze',
  summary: 'Decode one audio file and print its GTZAN features (librosa-equal); --png writes its mel spectrogram',
  usage: 'genre-tagger analyze <file> [--json] [--segments] [--png FILE]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, segments: { type: 'boolean' }, png: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new UsageError('Name exactly one audio file.');
    const file = resolve(positionals[0]);
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    const tty = process.stderr.isTTY === true && !values.json;
    try {
      const started = performance.now();
      const a = await analyzeTrack(file, {
        signal: controller.signal,
        // Segment model inputs are only computed when asked for: the plain command prints features.
        segments: values.segments ? { cnn: false, mlfi: false } : false,
        clipLogMel: values.png !== undefined,
        onProgress: (p) => {
          if (!tty) return;
          const total = p.totalSeconds ? ` / ${p.totalSeconds.toFixed(0)} s` : '';
          process.stderr.write(`\r\x1b[2Kanalysing ${p.seconds.toFixed(0)} s${total}, ${p.segments} segments`);
        },
      });
      if (tty) process.stderr.write('\r\x1b[2K');
      if (values.png) {
        if (!a.clip.logMel) throw new Error('The analysis made no mel spectrogram to draw');
        writeFileSync(resolve(values.png), spectrogramPng(a.clip.logMel));
      }
      if (values.json) {
        const out: Record<string, unknown> = {
          path: a.path,
          durationSeconds: a.durationSeconds,
          sampleRate: a.sampleRate,
          clip: { startSeconds: a.clip.startSeconds, seconds: a.clip.seconds, features: featureRecord(a.clip.features) },
        };
        if (values.segments) {
          out.segments = a.segments.map((s) => ({ index: s.index, startSeconds: s.startSeconds, padded: s.padded, features: featureRecord(s.features) }));
        }
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } else {
        const w = Math.max(...gtzanFeatureNames.map((n) => n.length));
        process.stdout.write(
          `${a.path}\n${a.durationSeconds.toFixed(2)} s; clip features over ${a.clip.startSeconds.toFixed(1)}–` +
            `${(a.clip.startSeconds + a.clip.seconds).toFixed(1)} s (analysed in ${((performance.now() - started) / 1000).toFixed(2)} s)\n\n`,
        );
        gtzanFeatureNames.forEach((n, i) => process.stdout.write(`${n.padEnd(w)}  ${fmt(a.clip.features[i])}\n`));
        if (values.segments) {
          process.stdout.write(`\nsegment  start_s  ${gtzanFeatureNames.join('  ')}\n`);
          for (const s of a.segments) {
            process.stdout.write(`${String(s.index).padStart(7)}  ${s.startSeconds.toFixed(2).padStart(7)}  ${Array.from(s.features, fmt).join('  ')}\n`);
          }
        }
        if (values.png) process.stdout.write(`\nMel spectrogram written to ${resolve(values.png)}\n`);
      }
      return 0;
    } catch (error) {
      if (error instanceof AudioDecodeError) {
        if (tty) process.stderr.write('\r\x1b[2K');
        process.stderr.write(`${error.message}\n`);
        return error.code === 'cancelled' ? 130 : 1;
      }
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
