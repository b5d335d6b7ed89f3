import BetterSqlite3 from 'better-sqlite3';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { openDatabase } from './database.ts';
import type { Database } from './database.ts';
import { schemaVersion } from './migrate.ts';
import { migrations } from './migrations/index.ts';

export type LibraryOpenErrorCode = 'damaged' | 'not-a-library' | 'missing-folder' | 'read-only' | 'outdated';

/** A library file that cannot be opened, in words for the user: which file, what is wrong, what to do. */
export class LibraryOpenError extends Error {
  readonly code: LibraryOpenErrorCode;
  readonly path: string;

  constructor(code: LibraryOpenErrorCode, path: string, message: string) {
    super(message);
    this.name = 'LibraryOpenError';
    this.code = code;
    this.path = path;
  }
}

export interface OpenLibraryOptions {
  /** Create missing parent folders of a new library (the per-user default does; a --db path does not). */
  createFolders?: boolean;
  /** Where the library cannot be written, open it read-only instead of failing (listing, history, serving). */
  readOnlyFallback?: boolean;
}

export interface OpenedLibrary {
  db: Database;
  /** The file did not exist: a new, empty library was created. */
  created: boolean;
  /** Opened read-only (the file or its folder cannot be written). */
  readOnly: boolean;
  /** Closes the database (and removes the read-only copy when one was needed). */
  close(): void;
}

const newest = Math.max(0, ...migrations.map((m) => m.version));

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const sqliteCode = (e: unknown): string => String((e as { code?: unknown })?.code ?? '');
const isDamage = (e: unknown): boolean => /^SQLITE_(NOTADB|CORRUPT)/.test(sqliteCode(e));
const isReadOnly = (e: unknown): boolean => /^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)/.test(sqliteCode(e)) || sqliteCode(e) === 'EACCES' || sqliteCode(e) === 'EROFS';

function damaged(path: string, e: unknown): LibraryOpenError {
  const why = e instanceof Error ? e.message : String(e);
  return new LibraryOpenError(
    'damaged',
    path,
    `The library file ${path} is damaged or is not a Genre Tagger library (SQLite: ${why}). It was left untouched. ` +
      'Restore it from a backup, or use another library file (--db FILE; a new name starts an empty library).',
  );
}

/** Reads the tables without writing; throws LibraryOpenError for a damaged file or another program's database. */
function checkIdentity(path: string, db: BetterSqlite3.Database): void {
  let tables: string[];
  try {
    tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    db.pragma('quick_check(1)');
  } catch (e) {
    if (isDamage(e)) throw damaged(path, e);
    throw e; // e.g. a WAL library in a folder that cannot be written: the caller reads it from a copy
  }
  if (tables.length > 0 && !tables.includes('schema_migrations')) {
    throw new LibraryOpenError(
      'not-a-library',
      path,
      `${path} is a database of another program, not a Genre Tagger library (it has no library tables; it holds ${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', …' : ''}). ` +
        'It was left untouched. Use another library file (--db FILE).',
    );
  }
}

/**
 * Opens the library at `path` with care for what is already there:
 * - a file that is no SQLite database or is damaged, and a SQLite database of another program, are never written
 *   to (not even the journal mode): LibraryOpenError says which file, what is wrong and what to do;
 * - a missing file is a new library (`created`), but its folder is only created with `createFolders`, so a
 *   mistyped path does not silently make folders and an empty library;
 * - a library that cannot be written (read-only file, folder or disk) fails with 'read-only', or is opened
 *   read-only with `readOnlyFallback`. A WAL database in a folder that cannot be written cannot even be read in
 *   place (SQLite needs its -shm file beside it), so it is read from a private copy, removed on close.
 */
export function openLibrary(path: string, options: OpenLibraryOptions = {}): OpenedLibrary {
  if (path === ':memory:') {
    const db = openDatabase(path);
    return { db, created: true, readOnly: false, close: () => db.close() };
  }
  const dir = dirname(path);
  if (!existsSync(path)) {
    if (!existsSync(dir)) {
      if (!options.createFolders) {
        throw new LibraryOpenError(
          'missing-folder',
          path,
          `There is no library at ${path}, and its folder ${dir} does not exist (a mistyped path?). ` +
            `Check the path; to start a new library there, create the folder first (mkdir -p "${dir}").`,
        );
      }
      mkdirSync(dir, { recursive: true });
    }
    if (!writable(dir)) {
      throw new LibraryOpenError('read-only', path, `There is no library at ${path}, and none can be created there: the folder ${dir} cannot be written.`);
    }
    const db = openDatabase(path);
    return { db, created: true, readOnly: false, close: () => db.close() };
  }
  if (!statSync(path).isFile()) throw new LibraryOpenError('not-a-library', path, `${path} is not a file, so it is not a Genre Tagger library. Use another path (--db FILE).`);

  // Look before writing anything: read-only, in place where SQLite can, else from a copy.
  let canWrite = writable(path) && writable(dir);
  try {
    const probe = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    try {
      checkIdentity(path, probe);
    } finally {
      probe.close();
    }
  } catch (e) {
    if (e instanceof LibraryOpenError) throw e;
    if (isDamage(e)) throw damaged(path, e);
    if (!isReadOnly(e)) throw e;
    canWrite = false; // a WAL library in a folder that cannot be written: checked on its copy below
  }
  if (canWrite) {
    try {
      const db = openDatabase(path);
      return { db, created: false, readOnly: false, close: () => db.close() };
    } catch (e) {
      if (isDamage(e)) throw damaged(path, e);
      if (!isReadOnly(e)) throw e;
    }
  }
  if (!options.readOnlyFallback) {
    throw new LibraryOpenError(
      'read-only',
      path,
      `The library ${path} cannot be written (the file, its folder or the disk is read-only), and this command changes it. ` +
        'Make it writable or copy it somewhere writable (list, tag-history and serve can read it as it is).',
    );
  }
  return openReadOnly(path);
}

function openReadOnly(path: string): OpenedLibrary {
  let copyDir: string | null = null;
  let db: Database;
  try {
    db = openDatabase(path, { readonly: true, migrate: false });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    if (isDamage(e)) throw damaged(path, e);
    if (!isReadOnly(e)) throw e;
    copyDir = mkdtempSync(join(tmpdir(), 'genre-tagger-readonly-'));
    const copy = join(copyDir, basename(path));
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    try {
      const probe = new BetterSqlite3(copy, { readonly: true, fileMustExist: true });
      try {
        checkIdentity(path, probe);
      } finally {
        probe.close();
      }
      db = openDatabase(copy, { readonly: true, migrate: false });
    } catch (err) {
      rmSync(copyDir, { recursive: true, force: true });
      if (isDamage(err)) throw damaged(path, err);
      throw err;
    }
  }
  const cleanup = (): void => {
    if (copyDir) rmSync(copyDir, { recursive: true, force: true });
  };
  let version: number;
  try {
    version = schemaVersion(db);
  } catch {
    version = 0;
  }
  if (version < newest) {
    db.close();
    cleanup();
    throw new LibraryOpenError(
      'outdated',
      path,
      `The library ${path} is read-only and was written by an older Genre Tagger (schema ${version}, this version needs ${newest}): ` +
        'it cannot be upgraded in place. Make it writable once, or copy it somewhere writable.',
    );
  }
  return {
    db,
    created: false,
    readOnly: true,
    close() {
      db.close();
      cleanup();
    },
  };
}
