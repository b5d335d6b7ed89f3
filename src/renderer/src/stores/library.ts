import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { LibraryRoot, SortColumn, TrackFilter, TrackRow } from '../../../shared/contract.ts';
import { api } from '../lib/api.ts';

export const pageSize = 200;

/**
 * The library table's state: the query (search, sort, folder, status) and a sparse cache of pages. The renderer
 * never holds the whole library: it asks for the pages that the visible rows fall in.
 */
export const useLibraryStore = defineStore('library', () => {
  const roots = ref<LibraryRoot[]>([]);
  const search = ref('');
  const sort = ref<SortColumn>('artist');
  const dir = ref<'asc' | 'desc'>('asc');
  const folder = ref<string | null>(null);
  const status = ref<'ok' | 'error' | 'missing' | null>(null);
  /** Only tracks whose top predicted genre is this one, and whose prediction is at least this sure (0..1). */
  const predicted = ref<string | null>(null);
  const minConfidence = ref(0);
  /** Review filters: labelled or not (null: both), unsure only, confidence below this (0: off), models disagree. */
  const labelled = ref<boolean | null>(null);
  const unsure = ref(false);
  const maxConfidence = ref(0);
  const disagree = ref(false);
  const total = ref(0);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  /** Bumped whenever cached pages become stale, so the table re-requests what it shows. */
  const generation = ref(0);
  const pages = shallowRef(new Map<number, TrackRow[]>());
  const inflight = new Map<number, Promise<void>>();

  /** Tracks the person selected (click, Ctrl/Cmd-click, Shift-click), by id; kept across filter changes. */
  const selected = ref<Set<number>>(new Set());
  /** Ctrl+A: the selection is every track of the current view (by its filter, resolved in the main process). */
  const allInView = ref(false);
  let anchor: number | null = null;

  function selectOnly(index: number, id: number): void {
    allInView.value = false;
    selected.value = new Set([id]);
    anchor = index;
  }

  function selectAllInView(): void {
    allInView.value = true;
    selected.value = new Set();
    anchor = null;
  }

  function toggleSelected(index: number, id: number): void {
    allInView.value = false;
    const next = new Set(selected.value);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    selected.value = next;
    anchor = index;
  }

  /** Shift-click: everything between the last clicked row and this one (rows on screen are always loaded). */
  function selectRange(index: number): void {
    if (anchor === null) return;
    allInView.value = false;
    const next = new Set(selected.value);
    for (let i = Math.min(anchor, index); i <= Math.max(anchor, index); i++) {
      const row = rowAt(i);
      if (row) next.add(row.id);
    }
    selected.value = next;
  }

  function clearSelection(): void {
    allInView.value = false;
    selected.value = new Set();
    anchor = null;
  }

  /** The view's filter, exactly as `library.query` takes it: also what "Write genres…", playlists and bulk labels send. */
  const filter = computed<TrackFilter>(() => ({
    search: search.value.trim() || undefined,
    folder: folder.value ?? undefined,
    status: status.value ?? undefined,
    predicted: predicted.value ?? undefined,
    minConfidence: minConfidence.value > 0 ? minConfidence.value : undefined,
    maxConfidence: maxConfidence.value > 0 ? maxConfidence.value : undefined,
    labelled: labelled.value ?? undefined,
    unsure: unsure.value || undefined,
    disagree: disagree.value || undefined,
  }));
  const queryKey = computed(() => JSON.stringify([sort.value, dir.value, filter.value]));
  // The view changed: a view-wide selection no longer means the same tracks.
  watch(() => JSON.stringify(filter.value), () => (allInView.value = false));
  const hasSelection = computed(() => allInView.value || selected.value.size > 0);
  const selectionCount = computed(() => (allInView.value ? total.value : selected.value.size));
  const isEmptyLibrary = computed(() => loaded.value && roots.value.length === 0);

  function query(offset: number) {
    return { offset, limit: pageSize, sort: sort.value, dir: dir.value, ...filter.value };
  }

  async function loadPage(index: number): Promise<void> {
    if (pages.value.has(index)) return;
    const existing = inflight.get(index);
    if (existing) return existing;
    const key = queryKey.value;
    const gen = generation.value;
    const p = api
      .call('library.query', query(index * pageSize))
      .then((page) => {
        if (key !== queryKey.value || gen !== generation.value) return; // a newer query replaced this one
        const next = new Map(pages.value);
        next.set(index, page.rows);
        pages.value = next;
        total.value = page.total;
        error.value = null;
      })
      .catch((e: unknown) => {
        error.value = e instanceof Error ? e.message : String(e);
      })
      .finally(() => inflight.delete(index));
    inflight.set(index, p);
    return p;
  }

  /** Drops cached pages and loads the first one again (after a query change or a library change). */
  async function refresh(): Promise<void> {
    generation.value++;
    inflight.clear();
    pages.value = new Map();
    await loadPage(0);
    loaded.value = true;
  }

  /** Re-fetches the pages on screen without blanking them (used while a scan fills the table). */
  async function reloadVisible(indexes: number[]): Promise<void> {
    generation.value++;
    inflight.clear();
    const key = queryKey.value;
    const fresh = await Promise.all(indexes.map((i) => api.call('library.query', query(i * pageSize))));
    if (key !== queryKey.value) return;
    const next = new Map<number, TrackRow[]>();
    fresh.forEach((page, k) => {
      next.set(indexes[k], page.rows);
      total.value = page.total;
    });
    pages.value = next;
  }

  /**
   * The library's first read, which the table starts as it mounts: awaited, not repeated, so the rows on screen are
   * read once at start and never drop out and come back.
   */
  async function firstRead(): Promise<void> {
    await Promise.all(inflight.values());
    if (!pages.value.has(0)) await loadPage(0);
    loaded.value = true;
  }

  function rowAt(index: number): TrackRow | null {
    const page = pages.value.get(Math.floor(index / pageSize));
    return page?.[index % pageSize] ?? null;
  }

  async function loadRoots(): Promise<void> {
    roots.value = await api.call('library.roots', {});
  }

  function setSort(column: SortColumn): void {
    if (sort.value === column) dir.value = dir.value === 'asc' ? 'desc' : 'asc';
    else {
      sort.value = column;
      dir.value = 'asc';
    }
    void refresh();
  }

  return {
    roots, search, sort, dir, folder, status, predicted, minConfidence, labelled, unsure, maxConfidence, disagree, filter, total, loaded,
    error, generation, pages, isEmptyLibrary, selected, allInView, hasSelection, selectionCount,
    loadPage, refresh, reloadVisible, firstRead, rowAt, loadRoots, setSort, selectOnly, toggleSelected, selectRange, clearSelection, selectAllInView,
  };
});
