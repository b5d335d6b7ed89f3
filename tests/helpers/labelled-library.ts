import { float32Blob } from '../../src/main/core/db/blob-codec.ts';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { EmbeddingWriter } from '../../src/main/core/db/track-embeddings.ts';
import { SeededRandom } from '../../src/main/core/random/seeded-random.ts';

/**
 * A library database as classify and a tag import leave it, without audio: n tracks in albums of 10, each album of
 * one of `genres`, every track labelled (source 'tag') with a stored embedding (a noisy copy of its genre's
 * centre) and a base-model (ensemble) prediction. For retrain speed and job tests.
 */
export function labelledLibrary(path: string, n: number, columns: readonly string[], genres: readonly string[]): void {
  const db = openDatabase(path);
  const d = columns.length;
  const random = new SeededRandom(11);
  const centres = genres.map(() => Array.from({ length: d }, () => random.normal()));
  const base = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'];
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/music', 0)").run();
  db.prepare("INSERT INTO model_versions (kind, version, architecture, labels_json, first_used_at) VALUES ('ensemble', 'bench', 'ensemble', ?, 0)").run(JSON.stringify(base));
  const track = db.prepare(`INSERT INTO tracks (id, root_id, path, dir, filename, size, mtime_ms, status, artist, album,
    predicted_genre, predicted_confidence, added_at, updated_at) VALUES (?, 1, ?, ?, ?, 1000, 1, 'ok', ?, ?, ?, 0.4, 0, 0)`);
  const label = db.prepare("INSERT INTO track_labels (track_id, genres_json, source, created_at, updated_at) VALUES (?, ?, 'tag', 0, 0)");
  const prediction = db.prepare(`INSERT INTO predictions (track_id, model_kind, model_version, content_version, probabilities, segment_count,
    segment_seconds, segment_starts, segment_probabilities, top_genre, confidence, predicted_at) VALUES (?, 'ensemble', 'bench', 1, ?, 0, 3, ?, ?, ?, 0.4, 0)`);
  const embeddings = new EmbeddingWriter(db);
  const values = new Float32Array(d);
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const album = Math.floor((i - 1) / 10);
      const g = album % genres.length;
      track.run(i, `/music/${album}/${i}.mp3`, `/music/${album}`, `${i}.mp3`, `Artist ${album % 500}`, `Album ${album}`, base[g % base.length]);
      label.run(i, JSON.stringify([genres[g]]));
      prediction.run(i, float32Blob(base.map(() => 0.1)), Buffer.alloc(0), Buffer.alloc(0), base[g % base.length]);
      for (let j = 0; j < d; j++) values[j] = centres[g][j] * 0.6 + random.normal();
      embeddings.write(i, 1, columns, values);
    }
  })();
  db.close();
}

