/**
 * The grouping key of a track for honest evaluation: its album (with the album artist, so two "Greatest Hits"
 * stay apart), else its artist, else its folder. Tracks of one album sound alike (same mix, same band, same era):
 * with one of them in training and another in test, cross-validation measures recognising the album, not the genre.
 */
export function albumGroupKey(t: { albumArtist: string | null; artist: string | null; album: string | null; dir: string }): string {
  const norm = (s: string | null): string => (s ?? '').normalize('NFKC').trim().toLowerCase();
  if (norm(t.album)) return `album:${norm(t.albumArtist) || norm(t.artist)}\u0000${norm(t.album)}`;
  if (norm(t.artist)) return `artist:${norm(t.artist)}`;
  return `folder:${t.dir}`;
}

/**
 * Assigns each track a fold (0..folds-1) so that every group lies in one fold, the folds have about as many tracks
 * of each genre as one another (groups are placed largest first, each where its main genre is scarcest), and the
 * result depends only on the inputs. Fewer folds than asked when there are fewer groups.
 */
export function groupedFolds(groups: readonly string[], primaryGenre: readonly string[], folds: number): { fold: Int32Array; folds: number } {
  const members = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  const k = Math.max(1, Math.min(folds, members.size));
  const fold = new Int32Array(groups.length);
  const perGenre = new Map<string, Int32Array>();
  const sizes = new Int32Array(k);
  const ordered = [...members].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [, idx] of ordered) {
    const counts = new Map<string, number>();
    for (const i of idx) counts.set(primaryGenre[i], (counts.get(primaryGenre[i]) ?? 0) + 1);
    const main = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    let byGenre = perGenre.get(main);
    if (!byGenre) perGenre.set(main, (byGenre = new Int32Array(k)));
    let best = 0;
    for (let f = 1; f < k; f++) {
      if (byGenre[f] < byGenre[best] || (byGenre[f] === byGenre[best] && sizes[f] < sizes[best])) best = f;
    }
    for (const i of idx) fold[i] = best;
    byGenre[best] += idx.length;
    sizes[best] += idx.length;
  }
  return { fold, folds: k };
}
