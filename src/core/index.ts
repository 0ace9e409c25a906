/** The one entry the faces import. Everything re-exported here runs in plain node (no vscode). */
export * from './model';
export * from './secret';
export type * from './trace/events';
export * from './token/index';
export type * from './options';
export * from './errors/index';
