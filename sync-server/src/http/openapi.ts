import { z } from 'zod';
import { ErrorBody, errorStatus, type ErrorCode } from '@lyceum/contracts';
import type { AnyRoute } from './route.ts';

type JsonSchema = Record<string, unknown>;

const refBase = '#/components/schemas/';

/** Convert a zod schema, hoisting named (meta id) sub-schemas into components. */
function toSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, JsonSchema>,
): JsonSchema {
  const raw = JSON.stringify(z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }));
  const json = JSON.parse(raw.replaceAll('"#/$defs/', `"${refBase}`)) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
    $schema?: string;
  };
  const { $defs, $schema: _s, ...rest } = json;
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = def;
  return rest;
}

function parameters(
  schema: z.ZodType | undefined,
  where: 'path' | 'query',
  components: Record<string, JsonSchema>,
) {
  if (!schema) return [];
  const json = toSchema(schema, 'input', components) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

const accessText = {
  public: 'Anyone; a signed-in caller may see more.',
  user: 'Any signed-in account.',
  instructor: 'Instructors and admins.',
  admin: 'Admins only.',
} as const;

export function buildOpenApi(routes: AnyRoute[], info: { title: string; version: string }) {
  const components: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  const errorRef = toSchema(ErrorBody, 'output', components);
  for (const r of routes) {
    const oaPath = r.path.replace(/:(\w+)/g, '{$1}');
    const status = String(r.status ?? 200);
    const codes = new Set<ErrorCode>(['validation_failed', ...(r.errors ?? [])]);
    if (r.access !== 'public') codes.add('unauthenticated');
    if (r.rateLimit) codes.add('rate_limited');
    if (r.access === 'instructor' || r.access === 'admin') codes.add('forbidden');
    const errorResponses: Record<string, unknown> = {};
    for (const code of codes) {
      const key = String(errorStatus[code]);
      const prev = errorResponses[key] as { description: string } | undefined;
      errorResponses[key] = {
        description: prev ? `${prev.description}, ${code}` : code,
        content: { 'application/json': { schema: errorRef } },
      };
    }
    const success =
      r.response === null
        ? {
            description: r.produces ? `${r.produces} body` : 'No content',
            ...(r.produces ? { content: { [r.produces]: { schema: { type: 'string' } } } } : {}),
          }
        : {
            description: 'OK',
            content: { 'application/json': { schema: toSchema(r.response, 'output', components) } },
          };
    paths[oaPath] ??= {};
    paths[oaPath][r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      description: `Who may call: ${accessText[r.access as keyof typeof accessText]}`,
      tags: r.tags,
      'x-access': r.access,
      ...(r.access !== 'public' ? { security: [{ bearer: [] }] } : {}),
      parameters: [...parameters(r.params, 'path', components), ...parameters(r.query, 'query', components)],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(r.body, 'input', components) } },
            },
          }
        : {}),
      responses: {
        [r.response === null && !r.produces ? '204' : status]: success,
        ...Object.fromEntries(
          (r.alsoStatus ?? []).map((a) => [String(a.status), { ...success, description: a.description }]),
        ),
        ...errorResponses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths,
  };
}
