import type { Migration } from '../migration.ts';
import { m001Library } from './001-library.ts';
import { m002Analysis } from './002-analysis.ts';

/** Every migration, in order. A new capability adds its file here with the next number. */
export const migrations: Migration[] = [m001Library, m002Analysis];
