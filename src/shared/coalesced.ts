/**
 * A refresh that many events may ask for: `trigger` on each event, `cancel` when it is no longer wanted. How
 * 'library.changed' is paced on both sides: the job thread that announces stored results, the views that reload.
 */
export interface Coalesced {
  trigger(): void;
  cancel(): void;
}

/**
 * Runs `run` at once when it has not run for `ms`, else once `ms` after its last run: an event on its own is answered
 * immediately (the last 'library.changed' of a classification arrives with its summary, and the table must not show
 * the tracks unclassified beside "finished"), a burst (a scan reports every second or so) at most once per `ms`, and
 * always with a run after the burst's last event (a commit in a burst is never left unannounced).
 */
export function coalesced(run: () => void, ms: number): Coalesced {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = (): void => {
    timer = undefined;
    last = Date.now();
    run();
  };
  return {
    trigger() {
      if (timer !== undefined) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
