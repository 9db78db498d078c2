import type { FastifyInstance, FastifyRequest } from 'fastify';
import { servedDiscovery } from '../discovery/document.js';

function rootOf(request: FastifyRequest, configured: string | undefined): string {
  if (configured) return configured;
  const host = request.headers.host ?? 'localhost';
  return `${request.protocol}://${host}/`;
}

/**
 * Serves the discovery document at the two addresses discovery-based clients (Python's
 * `googleapiclient.discovery.build`, `googleapis`' `discoverAPI`) fetch, with `rootUrl` pointing here.
 */
export function registerDiscoveryRoutes(app: FastifyInstance, publicUrl: () => string | undefined): void {
  const send = async (request: FastifyRequest) => servedDiscovery(rootOf(request, publicUrl()));
  app.get('/$discovery/rest', send);
  app.get('/discovery/v1/apis/classroom/v1/rest', send);
}
