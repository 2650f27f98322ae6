import { isObject, type Json } from '../validation/check.ts';

const LANGUAGE_MAPS = ['name', 'description'] as const;

/**
 * Merge Activity definitions met in statements, oldest first, into the LRS's canonical definition: language maps
 * (name, description) are merged language by language, later values winning; every other property (type,
 * moreInfo, interactionType, correctResponsesPattern, choices, scale, source, target, steps, extensions) is
 * replaced by the latest definition that has it.
 */
export function mergeDefinitions(definitions: Json[]): Json | undefined {
  if (!definitions.length) return undefined;
  const out: Json = {};
  for (const def of definitions) {
    for (const [k, v] of Object.entries(def)) {
      if ((LANGUAGE_MAPS as readonly string[]).includes(k) && isObject(v)) {
        out[k] = { ...(isObject(out[k]) ? out[k] : {}), ...v };
      } else out[k] = v;
    }
  }
  return out;
}

/** The definitions of Activity `id` in one statement: its object, context activities, and a SubStatement's. */
export function definitionsIn(statement: Json, id: string): Json[] {
  const found: Json[] = [];
  const visitActivity = (a: unknown) => {
    if (isObject(a) && (a.objectType ?? 'Activity') === 'Activity' && a.id === id && isObject(a.definition))
      found.push(a.definition);
  };
  const visitContext = (c: unknown) => {
    if (!isObject(c) || !isObject(c.contextActivities)) return;
    for (const list of Object.values(c.contextActivities))
      if (Array.isArray(list)) list.forEach(visitActivity);
      else visitActivity(list);
  };
  visitActivity(statement.object);
  visitContext(statement.context);
  const sub = statement.object;
  if (isObject(sub) && sub.objectType === 'SubStatement') {
    visitActivity(sub.object);
    visitContext(sub.context);
  }
  return found;
}
