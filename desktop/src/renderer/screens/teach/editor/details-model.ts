import { DraftDetailsPatch, LanguageTag, type CourseLevel, type CourseType } from '@lyceum/contracts';
import type { z } from 'zod';
import { DraftDetails } from '../../../../contracts/authoring.ts';
import type { MessageKey } from '../../../i18n/catalogues.ts';

/** The course details form as typed (strings), and its way to and from the draft's details. */
export interface DetailsFormValue {
  title: string;
  subject: string;
  description: string;
  level: CourseLevel;
  type: CourseType;
  language: string;
  tags: string;
  coverImageUrl: string;
  paid: boolean;
  amount: string;
  currency: string;
  prerequisiteIds: string[];
}
export type DetailsField = keyof DetailsFormValue;
type Patch = z.infer<typeof DraftDetailsPatch>;

export const emptyDetails: DetailsFormValue = {
  title: '',
  subject: '',
  description: '',
  level: 'beginner',
  type: 'self_paced',
  language: 'en',
  tags: '',
  coverImageUrl: '',
  paid: false,
  amount: '',
  currency: 'USD',
  prerequisiteIds: [],
};

export function fromDetails(d: DraftDetails): DetailsFormValue {
  return {
    title: d.title,
    subject: d.subject,
    description: d.description ?? '',
    level: d.level ?? 'beginner',
    type: d.type ?? 'self_paced',
    language: d.language ?? 'en',
    tags: (d.tags ?? []).join(', '),
    coverImageUrl: d.coverImageUrl ?? '',
    paid: Boolean(d.price),
    amount: d.price ? (d.price.amountCents / 100).toFixed(2) : '',
    currency: d.price?.currency ?? 'USD',
    prerequisiteIds: d.prerequisiteIds ?? [],
  };
}

/** The form as details, or what is wrong with it (a message per field). */
export function toDetails(
  v: DetailsFormValue,
): { ok: true; details: DraftDetails } | { ok: false; errors: Partial<Record<DetailsField, MessageKey>> } {
  const errors: Partial<Record<DetailsField, MessageKey>> = {};
  if (!v.title.trim()) errors.title = 'author.error.title';
  if (!v.subject.trim()) errors.subject = 'author.error.subject';
  if (!LanguageTag.safeParse(v.language.trim()).success) errors.language = 'author.error.language';
  const url = v.coverImageUrl.trim();
  if (url && !/^https?:\/\/\S+$/i.test(url)) errors.coverImageUrl = 'author.error.url';
  const cents = Math.round(Number(v.amount.replace(',', '.')) * 100);
  if (v.paid && !(Number.isFinite(cents) && cents >= 1)) errors.amount = 'author.error.amount';
  if (v.paid && !/^[A-Z]{3}$/.test(v.currency.trim())) errors.currency = 'author.error.currency';
  const tags = [
    ...new Set(
      v.tags
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (tags.length > 20 || tags.some((s) => s.length > 40)) errors.tags = 'author.error.tags';
  if (Object.keys(errors).length) return { ok: false, errors };
  const parsed = DraftDetails.safeParse({
    title: v.title.trim(),
    subject: v.subject.trim(),
    description: v.description,
    level: v.level,
    type: v.type,
    language: v.language.trim(),
    tags,
    coverImageUrl: url || null,
    price: v.paid ? { amountCents: cents, currency: v.currency.trim() } : null,
    prerequisiteIds: v.prerequisiteIds,
  });
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'title') as DetailsField;
    return { ok: false, errors: { [field]: 'author.error.invalid' } };
  }
  return { ok: true, details: parsed.data };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields that changed, as an updateCourse patch (empty: nothing to send). */
export function detailsPatch(before: DraftDetails, after: DraftDetails): Patch {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof DraftDetails)[])
    if (!same(before[key], after[key])) patch[key] = after[key];
  return DraftDetailsPatch.parse(patch);
}
