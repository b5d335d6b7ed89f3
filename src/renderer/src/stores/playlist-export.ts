import { defineStore } from 'pinia';
import { ref } from 'vue';

/** What the export dialog starts with: the library view as it is, or one genre (from the sidebar). */
export interface PlaylistExportStart {
  scope: 'view' | 'genre';
  genre?: string;
}

/** Whether the "Export playlist…" dialog is open, and what it was opened for. */
export const usePlaylistExportStore = defineStore('playlistExport', () => {
  const start = ref<PlaylistExportStart | null>(null);
  function open(from: PlaylistExportStart): void {
    start.value = { ...from };
  }
  function close(): void {
    start.value = null;
  }
  return { start, open, close };
});
