import type { Database } from './connection.ts';

/** A numbered, forward-only schema change. Each runs inside its own transaction. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
