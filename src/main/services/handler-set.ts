import type { MethodName, MethodOutput, ParsedInput } from '../../shared/contract.ts';

export type Handler<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;

/** The handlers for every method whose name starts with `Prefix` (e.g. 'library.'). */
export type HandlerSet<Prefix extends string> = {
  [M in MethodName as M extends `${Prefix}${string}` ? M : never]: Handler<M>;
};

export type Handlers = { [M in MethodName]: Handler<M> };
