/** From token to authorized call: send one request with a token and explain the resource's answer. */
export * from './challenge';
export * from './body';
export * from './services';
export * from './catalog';
export * from './explain';
export * from './call';
export * from './render';
