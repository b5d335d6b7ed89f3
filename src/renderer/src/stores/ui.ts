import { defineStore } from 'pinia';
import { ref } from 'vue';

export type View = 'library' | 'tags' | 'review' | 'models';
export type TagScope = 'selected' | 'view' | 'all';

/** Which view is shown, what the write-back view starts with when opened from the library, and the tag import. */
export const useUiStore = defineStore('ui', () => {
  const view = ref<View>('library');
  const tagScope = ref<TagScope>('view');
  /** Whether the Models view shows the import of the files' genre tags as labels. */
  const tagImportOpen = ref(false);

  function openWriteTags(scope: TagScope): void {
    tagScope.value = scope;
    view.value = 'tags';
  }

  /** The Models view, with the import of the genre tags as labels open (from wherever the person asked for it). */
  function openTagImport(): void {
    tagImportOpen.value = true;
    view.value = 'models';
  }

  return { view, tagScope, tagImportOpen, openWriteTags, openTagImport };
});
