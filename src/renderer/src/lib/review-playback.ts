/**
 * Space and ←/→ in the Review view. Listening (the audio endpoint and the player store, stores/player.ts with
 * play(trackId, at?) / toggle() / seek(delta)) is built on another branch: when it is merged, wire these three
 * functions to it and set `reviewPlaybackAvailable` to true. Until then they do nothing and the view says so.
 */
export const reviewPlaybackAvailable = false;

/** Plays the track shown in the Review view, or pauses it when it is the one playing. */
export function toggleReviewPlayback(trackId: number): void {
  void trackId;
}

/** Moves the playing position by `deltaSeconds` (negative: back). */
export function seekReviewPlayback(deltaSeconds: number): void {
  void deltaSeconds;
}

/** Stops playback when the Review view moves to another track or closes. */
export function stopReviewPlayback(): void {}
