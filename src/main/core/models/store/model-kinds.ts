/**
 * The kinds of genre model, in a file of their own: code that only needs the names (a classification worker)
 * does not load the manifest schema, and with it zod (about 0.2 s per thread from source).
 */
export const modelKinds = ['svm', 'cnn', 'mlfi', 'ensemble'] as const;
export type ModelKind = (typeof modelKinds)[number];
