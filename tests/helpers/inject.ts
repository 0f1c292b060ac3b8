// Requests the server tests send to an app built by testApps() in more than one place.
import type { FastifyInstance } from 'fastify';

/** POSTs `body` byte for byte as JSON: for bodies JSON.stringify would never write. */
export function postRawJson(app: FastifyInstance, url: string, body: string) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: body,
  });
}

/** GETs `url` with `token` in the Authorization header. */
export function getWithBearer(app: FastifyInstance, url: string, token: string) {
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}
