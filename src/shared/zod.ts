import { z } from 'zod';

/**
 * zod as this project uses it: without its JIT. On the first parse of each object schema, zod compiles a fast path
 * with `new Function`; every schema here is parsed a handful of times per process (a message at the boundary, a
 * model manifest), so compiling never paid: reading the four shipped model manifests took 27 ms the first time
 * and 9-12 ms the second with it, 14 ms and 6-8 ms without, on the command's path before any work starts. The
 * renderer's content security policy forbids `new Function` anyway.
 */
z.config({ jitless: true });

export { z };
