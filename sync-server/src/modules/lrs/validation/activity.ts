import { isIrl } from './formats.ts';
import { array, at, extensions, fail, iri, languageMap, object, string, type Json } from './check.ts';

export const INTERACTION_TYPES = [
  'true-false',
  'choice',
  'fill-in',
  'long-fill-in',
  'matching',
  'performance',
  'sequencing',
  'likert',
  'numeric',
  'other',
] as const;

/** Which interaction component lists each interactionType may carry (xAPI-Data 2.4.4.1.3). */
const COMPONENTS: Record<string, readonly string[]> = {
  choice: ['choices'],
  sequencing: ['choices'],
  likert: ['scale'],
  matching: ['source', 'target'],
  performance: ['steps'],
};
const ALL_COMPONENTS = ['choices', 'scale', 'source', 'target', 'steps'];

const DEFINITION = [
  'name',
  'description',
  'type',
  'moreInfo',
  'extensions',
  'interactionType',
  'correctResponsesPattern',
  ...ALL_COMPONENTS,
];

function components(v: unknown, path: string): void {
  const ids = new Set<string>();
  array(v, path).forEach((c, i) => {
    const cp = at(path, i);
    const comp = object(c, cp, ['id', 'description'], ['id']);
    const id = string(comp.id, at(cp, 'id'));
    if (!id || /\s/.test(id)) fail(at(cp, 'id'), 'must be a non-empty string without whitespace');
    if (ids.has(id)) fail(at(cp, 'id'), `"${id}" appears twice: component ids must be distinct`);
    ids.add(id);
    if (comp.description !== undefined) languageMap(comp.description, at(cp, 'description'));
  });
}

/** An Activity Definition (xAPI-Data 2.4.4.1), with interaction activities' components. */
export function definition(v: unknown, path: string): Json {
  const d = object(v, path, DEFINITION);
  if (d.name !== undefined) languageMap(d.name, at(path, 'name'));
  if (d.description !== undefined) languageMap(d.description, at(path, 'description'));
  if (d.type !== undefined) iri(d.type, at(path, 'type'));
  if (d.moreInfo !== undefined && !isIrl(d.moreInfo)) fail(at(path, 'moreInfo'), 'must be an IRL');
  if (d.extensions !== undefined) extensions(d.extensions, at(path, 'extensions'));
  const type = d.interactionType;
  if (type !== undefined && !(INTERACTION_TYPES as readonly string[]).includes(type as string))
    fail(at(path, 'interactionType'), `must be one of ${INTERACTION_TYPES.join(', ')}`);
  if (d.correctResponsesPattern !== undefined) {
    if (type === undefined) fail(at(path, 'correctResponsesPattern'), 'is only for interaction activities');
    array(d.correctResponsesPattern, at(path, 'correctResponsesPattern')).forEach((p, i) =>
      string(p, at(at(path, 'correctResponsesPattern'), i)),
    );
  }
  for (const key of ALL_COMPONENTS) {
    if (d[key] === undefined) continue;
    if (typeof type !== 'string' || !COMPONENTS[type]?.includes(key))
      fail(at(path, key), `is not allowed with interactionType ${JSON.stringify(type ?? null)}`);
    components(d[key], at(path, key));
  }
  return d;
}

/** An Activity (xAPI-Data 2.4.4.1): an IRI id and an optional definition. */
export function activity(v: unknown, path: string): Json {
  const a = object(v, path, ['objectType', 'id', 'definition'], ['id']);
  if (a.objectType !== undefined && a.objectType !== 'Activity')
    fail(at(path, 'objectType'), 'must be "Activity"');
  iri(a.id, at(path, 'id'));
  if (a.definition !== undefined) definition(a.definition, at(path, 'definition'));
  return a;
}
