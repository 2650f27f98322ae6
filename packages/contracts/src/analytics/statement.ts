import { z } from 'zod';
import { IsoDateTime, storableText, Text } from '../common.ts';

/**
 * xAPI 1.0.3 statements (the subset Lyceum stores): Agent actors, Activity objects, result and context. Unknown
 * properties are refused, as the xAPI spec asks of an LRS. Ids are UUIDs; `timestamp` is the device's clock,
 * `stored` the server's.
 */
// An IRI as xAPI uses them: a scheme we accept and a non-empty rest with no spaces or control characters. A regex,
// not z.url().check(storableText): new URL() for ~10 IRIs per statement was the collector's biggest single cost (bench:ingest).
const Iri = Text()
  .max(2048)
  .regex(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what an IRI may not hold
    /^(?:https?:\/\/[^\s/?#]+[^\s\u0000-\u001f]*|(?:urn|tag|mailto):[^\s\u0000-\u001f]+)$/i,
    'Not an IRI',
  );
export const LanguageMap = z.record(Text().min(2).max(35), Text().max(1000));

export const XapiAccount = z
  .object({ homePage: z.url().check(storableText), name: Text().min(1).max(200) })
  .strict();

export const XapiAgent = z
  .object({
    objectType: z.literal('Agent').optional(),
    name: Text().max(200).optional(),
    mbox: Text()
      .regex(/^mailto:[^@\s]+@[^@\s]+$/, 'mbox must be a mailto: IRI')
      .max(320)
      .optional(),
    mbox_sha1sum: Text()
      .regex(/^[0-9a-f]{40}$/i)
      .optional(),
    openid: z.url().check(storableText).optional(),
    account: XapiAccount.optional(),
  })
  .strict()
  .refine(
    (a) => [a.mbox, a.mbox_sha1sum, a.openid, a.account].filter((x) => x !== undefined).length === 1,
    'An agent needs exactly one identifier: mbox, mbox_sha1sum, openid or account',
  );
export type XapiAgent = z.infer<typeof XapiAgent>;

export const XapiVerb = z.object({ id: Iri, display: LanguageMap.optional() }).strict();
export type XapiVerb = z.infer<typeof XapiVerb>;

const Extensions = z.record(Iri, z.unknown());

export const XapiActivity = z
  .object({
    objectType: z.literal('Activity').optional(),
    id: Iri,
    definition: z
      .object({
        name: LanguageMap.optional(),
        description: LanguageMap.optional(),
        type: Iri.optional(),
        moreInfo: Iri.optional(),
        interactionType: Text().max(40).optional(),
        correctResponsesPattern: z.array(Text().max(1000)).max(50).optional(),
        extensions: Extensions.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type XapiActivity = z.infer<typeof XapiActivity>;

/** ISO 8601 duration, e.g. PT1M30.5S. */
export const XapiDuration = Text().regex(
  /^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$/,
  'Not an ISO 8601 duration',
);

export const XapiResult = z
  .object({
    score: z
      .object({
        scaled: z.number().min(-1).max(1).optional(),
        raw: z.number().optional(),
        min: z.number().optional(),
        max: z.number().optional(),
      })
      .strict()
      .optional(),
    success: z.boolean().optional(),
    completion: z.boolean().optional(),
    response: Text().max(10_000).optional(),
    duration: XapiDuration.optional(),
    extensions: Extensions.optional(),
  })
  .strict();
export type XapiResult = z.infer<typeof XapiResult>;

export const XapiContext = z
  .object({
    registration: z.uuid().optional(),
    contextActivities: z
      .object({
        parent: z.array(XapiActivity).max(10).optional(),
        grouping: z.array(XapiActivity).max(10).optional(),
        category: z.array(XapiActivity).max(10).optional(),
        other: z.array(XapiActivity).max(10).optional(),
      })
      .strict()
      .optional(),
    platform: Text().max(200).optional(),
    language: Text().max(35).optional(),
    extensions: Extensions.optional(),
  })
  .strict();
export type XapiContext = z.infer<typeof XapiContext>;

export const XapiStatement = z
  .object({
    id: z.uuid().optional(),
    actor: XapiAgent,
    verb: XapiVerb,
    object: XapiActivity,
    result: XapiResult.optional(),
    context: XapiContext.optional(),
    timestamp: IsoDateTime.optional(),
    stored: IsoDateTime.optional(),
    version: Text()
      .regex(/^1\.0(\.\d+)?$/)
      .optional(),
  })
  .strict();
export type XapiStatement = z.infer<typeof XapiStatement>;

/** A statement as stored: the server has given it an id, a timestamp (if absent) and `stored`. */
export const StoredStatement = XapiStatement.safeExtend({
  id: z.uuid(),
  timestamp: IsoDateTime,
  stored: IsoDateTime,
});
export type StoredStatement = z.infer<typeof StoredStatement>;
