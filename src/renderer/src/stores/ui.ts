import { defineStore } from 'pinia';
import { ref } from 'vue';

export type View = 'library' | 'tags' | 'review' | 'models';
export type TagScope = 'selected' | 'view' | 'all';

/** Which view is shown, and what the write-back view starts with when opened from the library. */
export const useUiStore = defineStore('ui', () => {
  const view = ref<View>('library');
  const tagScope = ref<TagScope>('view');

  function openWriteTags(scope: TagScope): void {
    tagScope.value = scope;
    view.value = 'tags';
  }

  return { view, tagScope, openWriteTags };
});
