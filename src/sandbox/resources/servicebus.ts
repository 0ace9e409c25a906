/** Service Bus / Event Hubs stand-in: an entity's description, with the broker's XML errors and Manage rights. */
import { randomUUID } from 'node:crypto';
import { send, type Route } from '../http';
import type { SandboxImpl } from '../sandbox';
import { answerFor, check, type FailureTable } from './check';
import { resourceState } from './state';

const SERVICE_BUS_401: FailureTable<string> = {
  missing: 'MissingToken: The request authorization header was not present.',
  signature: 'InvalidSignature: The token has an invalid signature.',
  audience: (c) => `InvalidAudience: The token audience '${String(c.aud)}' is not valid for this namespace.`,
  tenant: 'InvalidIssuer: Token issuer is invalid.',
  expired: 'ExpiredToken: The token is expired.',
  'not-yet-valid': 'ExpiredToken: The token is expired.',
};

export function serviceBusRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'resources',
      methods: ['GET'],
      pattern: /^\/resources\/servicebus\/([a-z0-9-]{6,50})\/([A-Za-z0-9._-]{1,260})\/?$/,
      keys: ['namespace', 'entity'],
      handler: async (ctx) => {
        const ns = resourceState(sb).namespaces.find((n) => n.name === ctx.params.namespace);
        const tracking = () =>
          `TrackingId:${randomUUID()}_G1, SystemTracker:${ctx.params.namespace}.servicebus.windows.net:${ctx.params.entity}, Timestamp:${new Date(sb.nowMs()).toISOString()}`;
        const xml = (status: number, detail: string) =>
          send(
            ctx,
            status,
            `<Error><Code>${status}</Code><Detail>${detail.replace(/&/g, '&amp;').replace(/</g, '&lt;')} ${tracking()}</Detail></Error>`,
            { 'content-type': 'application/xml; charset=utf-8' },
          );
        if (!ns || !ns.entities.includes(ctx.params.entity ?? ''))
          return xml(404, 'The messaging entity could not be found.');
        const r = await check(sb, ctx, 'servicebus', ns.tenantId);
        const denied = answerFor(SERVICE_BUS_401, r);
        if (denied) return xml(401, denied);
        const oid = String(r.claims?.oid ?? '').toLowerCase();
        if (!ns.rights.some((x) => x.principalId.toLowerCase() === oid && x.rights.includes('Manage'))) {
          return xml(
            401,
            `Unauthorized access. 'Manage' claim(s) are required to perform this operation. Resource: 'sb://${ns.name}.servicebus.windows.net/${ctx.params.entity}'.`,
          );
        }
        send(
          ctx,
          200,
          `<entry xmlns="http://www.w3.org/2005/Atom"><title type="text">${ctx.params.entity}</title><content type="application/xml"><QueueDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"><MaxSizeInMegabytes>1024</MaxSizeInMegabytes></QueueDescription></content></entry>`,
          { 'content-type': 'application/atom+xml;type=entry;charset=utf-8' },
        );
      },
    },
  ];
}
