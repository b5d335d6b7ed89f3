import { computed, ref } from 'vue';
import type { Ref } from 'vue';
import { errorMessage } from '../lib/format.ts';

export interface ApiCallOptions {
  /**
   * When the message of an earlier failure goes away: 'on-start' (the default) as this call starts; 'on-success'
   * only once it succeeds, so a reload keeps the message up until it has something better to show; 'never' for a
   * background load that must not wipe the message of the person's own action.
   */
  clearError?: 'on-start' | 'on-success' | 'never';
  /** Whether the call makes `busy` true while it runs (default true); say false where it never did, to keep buttons enabled. */
  busy?: boolean;
}

export interface ApiCall {
  /** True while a call that counts as busy runs (nested calls included). */
  readonly busy: Readonly<Ref<boolean>>;
  /** The message of the last failure, as the UI shows it, or null. Writable: a view may set or clear it itself. */
  readonly error: Ref<string | null>;
  /**
   * Runs `action` (API calls and what follows them), catching what it throws: resolves true when it finished,
   * false when it failed (its message is then in `error`). Never rejects.
   */
  run(this: void, action: () => Promise<unknown>, options?: ApiCallOptions): Promise<boolean>;
}

/**
 * The busy flag and error message that go with calling the API from a component or a store: one instance for each
 * error message the UI shows. The message is the error's own (an ApiError's is written for the person).
 */
export function useApiCall(): ApiCall {
  const running = ref(0);
  const error = ref<string | null>(null);

  async function run(action: () => Promise<unknown>, options: ApiCallOptions = {}): Promise<boolean> {
    const clearError = options.clearError ?? 'on-start';
    const countsAsBusy = options.busy ?? true;
    if (clearError === 'on-start') error.value = null;
    if (countsAsBusy) running.value++;
    try {
      await action();
      if (clearError === 'on-success') error.value = null;
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    } finally {
      if (countsAsBusy) running.value--;
    }
  }

  return { busy: computed(() => running.value > 0), error, run };
}
