import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AudioSource } from '../../../shared/contract.ts';
import { api } from '../lib/api.ts';
import { trackAudioUrl } from '../lib/audio-url.ts';
import { errorMessage } from '../lib/format.ts';

/**
 * The app's one player: one <audio> element for every view (the table, the detail panel, the review queue), so
 * starting a track anywhere stops the one before. Views call play(trackId, at?), toggle(), seek(delta), seekTo(t).
 *
 * A file the browser plays as it is seeks by byte ranges (currentTime). A transcoded one (WMA, ALAC, AIFF…) is a
 * stream without ranges: seeking asks for a new stream that starts at that time, and the position is that start
 * plus the element's currentTime.
 */
export const usePlayerStore = defineStore('player', () => {
  const source = ref<AudioSource | null>(null);
  const playing = ref(false);
  const position = ref(0);
  const mediaDuration = ref<number | null>(null);
  const error = ref<string | null>(null);
  let offset = 0;
  let request = 0;
  let el: HTMLAudioElement | null = null;

  const duration = computed<number | null>(() => {
    if (source.value && !source.value.transcoded && mediaDuration.value !== null) return mediaDuration.value;
    return source.value?.durationS ?? null;
  });
  const trackId = computed(() => source.value?.trackId ?? null);

  function element(): HTMLAudioElement {
    if (el) return el;
    const a = document.createElement('audio');
    a.preload = 'auto';
    a.hidden = true;
    a.dataset.testid = 'audio-player';
    a.addEventListener('timeupdate', () => (position.value = offset + a.currentTime));
    a.addEventListener('seeked', () => (position.value = offset + a.currentTime));
    a.addEventListener('durationchange', () => (mediaDuration.value = Number.isFinite(a.duration) ? a.duration : null));
    a.addEventListener('play', () => (playing.value = true));
    a.addEventListener('pause', () => (playing.value = false));
    a.addEventListener('ended', () => (playing.value = false));
    a.addEventListener('error', () => {
      if (!a.getAttribute('src')) return;
      playing.value = false;
      error.value = `This track could not be played${a.error?.message ? ` (${a.error.message})` : ''}.`;
    });
    document.body.append(a);
    el = a;
    return a;
  }

  async function resume(): Promise<void> {
    try {
      await element().play();
    } catch (e) {
      // AbortError: another load (a seek of a transcoded stream, the next track) took its place.
      if ((e as Error).name !== 'AbortError') error.value = errorMessage(e);
    }
  }

  function load(id: number, at: number): void {
    const a = element();
    mediaDuration.value = null;
    if (source.value?.transcoded) {
      offset = at;
      a.src = trackAudioUrl(id, at);
    } else {
      offset = 0;
      a.src = trackAudioUrl(id);
      if (at > 0) a.currentTime = at;
    }
    position.value = at;
  }

  /** Plays a track from the start, or from `at` seconds; the track already loaded resumes where it is (or seeks). */
  async function play(id: number, at?: number): Promise<void> {
    error.value = null;
    if (source.value?.trackId === id) {
      if (at !== undefined) seekTo(at);
      if (element().paused) await resume();
      return;
    }
    const mine = ++request;
    let s: AudioSource;
    try {
      s = await api.call('audio.source', { trackId: id });
    } catch (e) {
      if (mine !== request) return;
      // The track before stops: what plays must be what was asked for.
      stop();
      error.value = errorMessage(e);
      return;
    }
    if (mine !== request) return;
    source.value = s;
    load(id, Math.max(0, at ?? 0));
    await resume();
  }

  /** The table's and the panel's button: pause or resume this track, or start it. */
  async function toggleTrack(id: number): Promise<void> {
    if (source.value?.trackId === id) await toggle();
    else await play(id);
  }

  async function toggle(): Promise<void> {
    if (!source.value) return;
    const a = element();
    if (!a.paused) return a.pause();
    // After the end a transcoded stream would replay from where it started: start the track again.
    if (a.ended && source.value.transcoded) seekTo(0);
    await resume();
  }

  function seekTo(t: number): void {
    if (!source.value) return;
    const end = duration.value;
    const target = Math.max(0, end !== null ? Math.min(t, Math.max(0, end - 0.25)) : t);
    const a = element();
    if (source.value.transcoded) {
      const wasPlaying = !a.paused;
      load(source.value.trackId, target);
      if (wasPlaying) void resume();
    } else {
      a.currentTime = target;
      position.value = target;
    }
  }

  /** Moves by `delta` seconds (the review view's ←/→). */
  function seek(delta: number): void {
    seekTo(position.value + delta);
  }

  function stop(): void {
    request++;
    if (el) {
      el.pause();
      el.removeAttribute('src');
      el.load();
    }
    source.value = null;
    position.value = 0;
    error.value = null;
  }

  return { source, trackId, playing, position, duration, error, play, toggleTrack, toggle, seek, seekTo, stop };
});
