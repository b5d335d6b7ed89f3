import type { Migration } from '../migration.ts';
import { m001Library } from './001-library.ts';
import { m002Analysis } from './002-analysis.ts';
import { m003TagWrites } from './003-tag-writes.ts';
import { m004Labels } from './004-labels.ts';
import { m005Personal } from './005-personal.ts';
import { m006ClassifyClaims } from './006-classify-claims.ts';

/** Every migration, in order. A new capability adds its file here with the next number. */
export const migrations: Migration[] = [m001Library, m002Analysis, m003TagWrites, m004Labels, m005Personal, m006ClassifyClaims];
