import { fileURLToPath } from 'node:url';

/** The repository root when running from source (CLI, tests, benchmarks). */
export const projectRoot: string = fileURLToPath(new URL('../../', import.meta.url));
