import { readFileSync } from 'node:fs';

/** One parameter of a discovery method (path or query). */
export interface DiscoveryParameter {
  type: 'string' | 'integer' | 'boolean' | 'number';
  location: 'path' | 'query';
  required?: boolean;
  repeated?: boolean;
  enum?: string[];
  format?: string;
  description?: string;
}

/** One method of the discovery document, as the emulator uses it. */
export interface DiscoveryMethod {
  id: string;
  httpMethod: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The flat path, e.g. `v1/invitations/{id}:accept`. */
  flatPath: string;
  path: string;
  parameters: Record<string, DiscoveryParameter>;
  parameterOrder: string[];
  request?: { $ref: string };
  response?: { $ref: string };
  scopes: string[];
  description?: string;
}

/** A schema of the discovery document. */
export interface DiscoverySchema {
  id?: string;
  type?: string;
  $ref?: string;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  items?: DiscoverySchema;
  enum?: string[];
  format?: string;
  readOnly?: boolean;
  description?: string;
}

export interface DiscoveryDocument {
  rootUrl: string;
  servicePath: string;
  baseUrl: string;
  batchPath: string;
  revision: string;
  parameters: Record<string, DiscoveryParameter>;
  schemas: Record<string, DiscoverySchema>;
  resources: Record<string, DiscoveryResource>;
  [key: string]: unknown;
}

interface DiscoveryResource {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResource>;
}

let cached: DiscoveryDocument | undefined;

/**
 * The official Classroom v1 discovery document this emulator implements (shipped with the package).
 * It is the contract: routes, scopes, parameters and schemas all come from it.
 */
export function discoveryDocument(): DiscoveryDocument {
  cached ??= JSON.parse(
    readFileSync(new URL('../../discovery/classroom.v1.discovery.json', import.meta.url), 'utf8'),
  ) as DiscoveryDocument;
  return cached;
}

/** Every method of the document, depth first. */
export function discoveryMethods(doc: DiscoveryDocument = discoveryDocument()): DiscoveryMethod[] {
  const out: DiscoveryMethod[] = [];
  const walk = (resources: Record<string, DiscoveryResource> | undefined) => {
    for (const resource of Object.values(resources ?? {})) {
      for (const method of Object.values(resource.methods ?? {})) out.push(method);
      walk(resource.resources);
    }
  };
  walk(doc.resources);
  return out;
}

/**
 * The document as served by the emulator: the same methods and schemas, with `rootUrl` and
 * `baseUrl` pointing at the emulator so discovery-based clients call it.
 */
export function servedDiscovery(rootUrl: string): DiscoveryDocument {
  const doc = discoveryDocument();
  const root = rootUrl.endsWith('/') ? rootUrl : `${rootUrl}/`;
  return { ...doc, rootUrl: root, baseUrl: root, mtlsRootUrl: root };
}
