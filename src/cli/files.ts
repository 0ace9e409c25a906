/**
 * Files named on the command line (--ca, --jwks, --assertion-file, --config…), read through the engine's one bounded
 * reader: regular files only, capped, and a problem is bad usage (exit 2) with a message naming the option.
 */
import { isUserFileError, readUserText } from '../core/index';
import { UsageError } from './io';
import { shown } from './options';

/** A CA bundle is a handful of PEM certificates (a whole system bundle is about 200 KB). */
export const MAX_CA_BYTES = 1024 * 1024;

/** Reads a user-named file as text; a missing, special, oversized or unreadable file is a UsageError. */
export async function readOptionFile(path: string, what: string, maxBytes: number): Promise<string> {
  try {
    return await readUserText(path, { maxBytes, what });
  } catch (e) {
    throw isUserFileError(e) ? new UsageError(e.message) : e;
  }
}

/** --ca FILE: PEM certificate(s) trusted in addition to the system's roots. */
export async function readCaOption(path: string): Promise<string> {
  const pem = await readOptionFile(path, '--ca file', MAX_CA_BYTES);
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new UsageError(`--ca file ${shown(path, 120)}: contains no PEM certificate`);
  return pem;
}
