import { usePlayerStore } from '../stores/player.ts';

/** Space and ←/→ in the Review view, through the one shared player (stores/player.ts). */
export const reviewPlaybackAvailable = true;

/** Plays the track shown in the Review view, or pauses it when it is the one playing. */
export function toggleReviewPlayback(trackId: number): void {
  void usePlayerStore().toggleTrack(trackId);
}

/** Moves the playing position by `deltaSeconds` (negative: back). */
export function seekReviewPlayback(deltaSeconds: number): void {
  usePlayerStore().seek(deltaSeconds);
}

/** Stops playback when the Review view moves to another track or closes. */
export function stopReviewPlayback(): void {
  usePlayerStore().stop();
}
