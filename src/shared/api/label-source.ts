/**
 * accepted: the person confirmed the prediction; corrected: the person gave other genres; tag: imported from the
 * genre tag already in the file (a correction or an accepted prediction always wins over it).
 *
 * Its own file so that library.ts (track rows carry their label's source) need not import labels.ts, which
 * imports library.ts (a bulk label can target a library view).
 */
export type LabelSource = 'accepted' | 'corrected' | 'tag';
