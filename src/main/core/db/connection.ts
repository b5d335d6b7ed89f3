import type BetterSqlite3 from 'better-sqlite3';

/**
 * An open library database. Its own file, below database.ts (which opens one and runs the migrations), so that
 * the migrations can name it without importing what runs them.
 */
export type Database = BetterSqlite3.Database;
