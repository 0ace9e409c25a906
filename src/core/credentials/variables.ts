/** How a credential's trace shows an environment variable it reads. */
import type { ConfigEvent } from '../trace/events';

export type TracedVariable = NonNullable<ConfigEvent['variables']>[number];

/** A variable an option can replace: its value, and a note when the option is given (so the variable is not used). */
export function optionVariable(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  option: unknown,
): TracedVariable {
  return { name, set: Boolean(env[name]), value: env[name], note: option ? 'overridden by option' : undefined };
}
