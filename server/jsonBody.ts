// The JSON body parser: errors say what is wrong (where the syntax breaks, which key is
// refused) instead of one generic "not valid JSON". Keys that could alter object prototypes
// (__proto__, constructor.prototype), however they are escaped, are refused, as Fastify's
// own parser does.
import type { FastifyInstance } from 'fastify';

export class BodyError extends Error {
  readonly statusCode = 400;
}

/** The first prototype-altering key in a parsed body, as a message, or null. */
export function prototypeKeyProblem(value: unknown): string | null {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && typeof item === 'object') stack.push(item);
      continue;
    }
    for (const key of Object.keys(v)) {
      const child = (v as Record<string, unknown>)[key];
      if (key === '__proto__') {
        return 'body: the key "__proto__" is not allowed in JSON bodies (it could alter object prototypes)';
      }
      if (
        key === 'constructor' &&
        child !== null &&
        typeof child === 'object' &&
        'prototype' in child
      ) {
        return 'body: a "constructor" key holding "prototype" is not allowed in JSON bodies (it could alter object prototypes)';
      }
      if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return null;
}

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0)
      return done(new BodyError('body: empty, but content-type is application/json'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return done(new BodyError(`body is not valid JSON: ${(error as Error).message}`));
    }
    const problem = prototypeKeyProblem(parsed);
    if (problem) return done(new BodyError(problem));
    done(null, parsed);
  });
}
