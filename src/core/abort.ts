/**
 * Settles with `p`, or rejects with `reason()` as soon as `signal` aborts — for work that may ignore its signal
 * (a credential, msal-node, a child process), so a time limit or a cancel always ends the wait.
 * `p`'s own later rejection is observed, never left unhandled.
 */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal, reason: () => unknown): Promise<T> {
  p.catch(() => undefined);
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
