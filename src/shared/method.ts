import type { z } from 'zod';

/**
 * One API method: a schema for its input (validated in the main process) and a phantom type for its output.
 * The output type is carried only at the type level; `returns<T>()` exists so a method reads like a signature.
 */
export interface Method<I extends z.ZodType, O> {
  readonly input: I;
  /** Never set at run time: carries the output type. */
  readonly _output?: O;
}

export function method<I extends z.ZodType>(input: I): { returns<O>(): Method<I, O> } {
  return {
    returns<O>(): Method<I, O> {
      return { input };
    },
  };
}
