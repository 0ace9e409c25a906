export function assertLoopbackOnly(what: string): void;
