export interface AnalysisWindow {
  start: number;
  end: number;
}

/**
 * Consecutive windows of `seconds` every `hopSeconds` over a track of `duration` seconds; the last window ends at
 * the track's end so the tail is covered. A track shorter than one window gives one window over all of it
 * (a model trained on 30 s clips then sees what there is). 3 s with a 1.5 s hop is the CNN's 50% overlap;
 * 30 s windows are what the SVM was trained on.
 */
export function planWindows(duration: number, seconds: number, hopSeconds: number = seconds): AnalysisWindow[] {
  if (!(duration > 0)) return [];
  if (!(seconds > 0) || !(hopSeconds > 0)) throw new Error('Window length and hop must be positive');
  if (duration <= seconds) return [{ start: 0, end: duration }];
  const out: AnalysisWindow[] = [];
  let start = 0;
  for (; start + seconds <= duration + 1e-9; start += hopSeconds) out.push({ start, end: start + seconds });
  const last = out[out.length - 1];
  if (duration - last.end > 1e-6) out.push({ start: duration - seconds, end: duration });
  return out;
}
