import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { SAME_ORIGIN_HEADER } from './auth.js';
import { SESSION_COOKIE } from './cookies.js';

/** Registers the OpenAPI document (built from the routes' schemas) and its docs page; before any route. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Deloton staff API',
        version,
        description:
          'Rides, riders, daily rides and heart-rate alerts. Send an API key as ' +
          '`Authorization: Bearer KEY` (`deloton keys create`), or sign in with one for a ' +
          'session cookie (browsers: `POST /api/session`). Viewer keys read everything but ' +
          'what identifies a rider (name, contact, address, birth date); admin keys see it too ' +
          'and may delete. Errors are always ' +
          '`{"error": {"code", "message"}}`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'an API key' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description:
              'a browser session (POST /api/session). Requests that change anything also need ' +
              `\`${SAME_ORIGIN_HEADER}: 1\` or this server's Origin`,
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => {
      const doc = jsonSchemaTransformObject(input);
      // Response schemas are registered once and come out twice (as input and as output); only
      // the output ones are referenced.
      const schemas = (doc as { components?: { schemas?: Record<string, unknown> } }).components
        ?.schemas;
      if (schemas)
        for (const name of Object.keys(schemas))
          if (name.endsWith('Input') && name.slice(0, -5) in schemas) delete schemas[name];
      return doc;
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, (_req, reply) =>
    reply.send(app.swagger()),
  );
}
