import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/** The arguments ("{name}", "{count, plural, …}") and tags ("<b>…</b>") a message uses, sorted. */
function placeholders(elements: readonly MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    switch (el.type) {
      case TYPE.argument:
      case TYPE.number:
      case TYPE.date:
      case TYPE.time:
        into.add(el.value);
        break;
      case TYPE.select:
      case TYPE.plural:
        into.add(el.value);
        for (const option of Object.values(el.options)) placeholders(option.value, into);
        break;
      case TYPE.tag:
        into.add(`<${el.value}>`);
        placeholders(el.children, into);
        break;
      default:
        break;
    }
  }
  return into;
}

/**
 * Every problem of a set of catalogues against the base one (English): keys missing or extra, messages that are
 * not valid ICU MessageFormat, and translations whose placeholders differ from the base message's.
 */
export function checkCatalogues(catalogues: Record<string, Record<string, string>>, base = 'en'): string[] {
  const problems: string[] = [];
  const reference = catalogues[base];
  if (!reference) return [`no "${base}" catalogue`];
  const shapes = new Map<string, string>();
  for (const [key, message] of Object.entries(reference)) {
    try {
      shapes.set(key, [...placeholders(parse(message))].sort().join(', '));
    } catch (err) {
      problems.push(
        `${base}: "${key}" is not valid ICU (${err instanceof Error ? err.message : String(err)})`,
      );
    }
  }
  for (const [locale, catalogue] of Object.entries(catalogues)) {
    if (locale === base) continue;
    for (const key of Object.keys(reference))
      if (!(key in catalogue)) problems.push(`${locale}: missing "${key}"`);
    for (const [key, message] of Object.entries(catalogue)) {
      if (!(key in reference)) {
        problems.push(`${locale}: "${key}" is not in ${base}`);
        continue;
      }
      let shape: string;
      try {
        shape = [...placeholders(parse(message))].sort().join(', ');
      } catch (err) {
        problems.push(
          `${locale}: "${key}" is not valid ICU (${err instanceof Error ? err.message : String(err)})`,
        );
        continue;
      }
      const expected = shapes.get(key);
      if (expected !== undefined && shape !== expected)
        problems.push(`${locale}: "${key}" uses {${shape}} where ${base} uses {${expected}}`);
    }
  }
  return problems;
}
