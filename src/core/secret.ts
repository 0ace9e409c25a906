import { inspect } from 'node:util';

/**
 * A value that must never reach a sink by accident: JSON.stringify, String(), template literals and
 * util.inspect all print a marker instead of the value. Only `reveal()` gives the value, and only the faces
 * call it, when the user asks to copy or reveal a token.
 */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  get length(): number {
    return this.#value.length;
  }
  toJSON(): string {
    return '[REDACTED]';
  }
  toString(): string {
    return '[REDACTED]';
  }
  [inspect.custom](): string {
    return 'SecretValue([REDACTED])';
  }
}

export function isSecretValue(v: unknown): v is SecretValue {
  return v instanceof SecretValue;
}
