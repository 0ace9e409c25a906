/** The resource error catalog: one JSON file per service (see README.md). Data only. */
import arm from './arm.json';
import graph from './graph.json';
import keyvault from './keyvault.json';
import storage from './storage.json';
import servicebus from './servicebus.json';

export type ResourceErrorClass =
  | 'missing-token'
  | 'audience'
  | 'tenant'
  | 'expired'
  | 'signature'
  | 'claims-challenge'
  | 'permission'
  | 'linked-permission'
  | 'access-policy'
  | 'policy'
  | 'network'
  | 'scheme'
  | 'not-found';

export interface ResourceErrorEntry {
  service: 'arm' | 'graph' | 'keyvault' | 'storage' | 'servicebus';
  code: string;
  innerCode?: string;
  messageContains?: string;
  status: number[];
  class: ResourceErrorClass;
  title: string;
  meaning: string;
  fixes: string[];
  docsUrl: string;
}

export const RESOURCE_ERROR_FILES = { arm, graph, keyvault, storage, servicebus } as const;

export const resourceErrorEntries: ResourceErrorEntry[] = Object.values(RESOURCE_ERROR_FILES).flatMap(
  (f) => f.entries as ResourceErrorEntry[],
);
