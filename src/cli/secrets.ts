/**
 * Secrets the CLI takes by the NAME of an environment variable (`--client-secret-env VAR`), never on its command line.
 * Users sometimes paste the secret itself where the name belongs, so the argument is echoed only when it looks like a
 * variable name; otherwise only its length is said.
 */
import { UsageError, type CliIo } from './io';

/** The value of the variable `variable` names, or undefined when the option was not given. Throws UsageError when the
 * argument is not a variable name or the variable is unset or empty — without ever repeating a pasted secret. */
export function secretFromEnv(io: Pick<CliIo, 'env'>, variable: string | undefined, what: string): string | undefined {
  if (variable === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
    throw new UsageError(
      `${what}: the argument (${variable.length} characters, not shown) is not an environment variable name — give the NAME of the variable, not its value.`,
    );
  const v = io.env[variable];
  const shown = /^[A-Z_][A-Z0-9_]{0,63}$/.test(variable)
    ? variable
    : `(a name of ${variable.length} characters, not shown: if it is the secret itself, give the NAME of a variable instead)`;
  if (v === undefined || v === '') throw new UsageError(`${what}: environment variable ${shown} is not set or empty.`);
  return v;
}
