import { useState, type FormEvent, type ReactNode } from 'react';
import { CourseLevel, CourseType } from '@lyceum/contracts';
import type { DraftDetails } from '../../../../contracts/authoring.ts';
import { Button } from '../../../components/Button.tsx';
import { MarkdownEditor } from '../../../components/MarkdownEditor.tsx';
import { TextField } from '../../../components/TextField.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { useFormat } from '../../../lib/format.ts';
import { toDetails, type DetailsField, type DetailsFormValue } from './details-model.ts';
import { PrerequisitePicker } from './PrerequisitePicker.tsx';
import type { MessageKey } from '../../../i18n/catalogues.ts';

/** A course's details: title, description (Markdown with a live preview), subject, level, type, language, tags,
 * cover image, price and prerequisites. Used by New course and by the editor's Details page. */
export function DetailsForm({
  initial,
  courseId,
  submitLabel,
  busy,
  onSubmit,
  footer,
}: {
  initial: DetailsFormValue;
  courseId?: string;
  submitLabel: string;
  busy: boolean;
  onSubmit: (details: DraftDetails) => Promise<void> | void;
  footer?: ReactNode;
}) {
  const t = useT();
  const f = useFormat();
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<DetailsField, MessageKey>>>({});
  const set = <K extends DetailsField>(k: K, value: DetailsFormValue[K]) =>
    setV((x) => ({ ...x, [k]: value }));
  const err = (k: DetailsField) => (errors[k] ? t(errors[k]) : null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = toDetails(v);
    if (!r.ok) {
      setErrors(r.errors);
      const first = Object.keys(r.errors)[0];
      document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setErrors({});
    await onSubmit(r.details);
  };

  return (
    <form className="details-form" noValidate onSubmit={(e) => void submit(e)}>
      <TextField
        label={t('author.details.title')}
        name="title"
        required
        maxLength={200}
        value={v.title}
        error={err('title')}
        onChange={(e) => set('title', e.target.value)}
      />
      <MarkdownEditor
        label={t('author.details.description')}
        value={v.description}
        maxLength={20_000}
        testId="details-description"
        onChange={(d) => set('description', d)}
      />
      <div className="details-form__row">
        <TextField
          label={t('author.details.subject')}
          name="subject"
          required
          maxLength={100}
          value={v.subject}
          error={err('subject')}
          onChange={(e) => set('subject', e.target.value)}
        />
        <label className="field">
          <span className="field__label">{t('author.details.level')}</span>
          <select
            className="field__input"
            value={v.level}
            onChange={(e) => set('level', CourseLevel.parse(e.target.value))}
          >
            {CourseLevel.options.map((l) => (
              <option key={l} value={l}>
                {f.label('level', l)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('author.details.type')}</span>
          <select
            className="field__input"
            value={v.type}
            onChange={(e) => set('type', CourseType.parse(e.target.value))}
          >
            {CourseType.options.map((l) => (
              <option key={l} value={l}>
                {f.label('type', l)}
              </option>
            ))}
          </select>
        </label>
        <TextField
          label={t('author.details.language')}
          name="language"
          hint={t('author.details.languageHint')}
          value={v.language}
          error={err('language')}
          onChange={(e) => set('language', e.target.value)}
        />
      </div>
      <TextField
        label={t('author.details.tags')}
        name="tags"
        hint={t('author.details.tagsHint')}
        value={v.tags}
        error={err('tags')}
        onChange={(e) => set('tags', e.target.value)}
      />
      <TextField
        label={t('author.details.cover')}
        name="coverImageUrl"
        type="url"
        hint={t('author.details.coverHint')}
        value={v.coverImageUrl}
        error={err('coverImageUrl')}
        onChange={(e) => set('coverImageUrl', e.target.value)}
      />
      {v.coverImageUrl && !errors.coverImageUrl && /^https?:\/\//.test(v.coverImageUrl) ? (
        <img className="details-form__cover" src={v.coverImageUrl} alt={t('author.details.coverAlt')} />
      ) : null}
      <fieldset className="field">
        <legend className="field__label">{t('author.details.price')}</legend>
        <label className="author-check">
          <input type="radio" name="paid" checked={!v.paid} onChange={() => set('paid', false)} />
          {t('author.details.free')}
        </label>
        <label className="author-check">
          <input type="radio" name="paid" checked={v.paid} onChange={() => set('paid', true)} />
          {t('author.details.paid')}
        </label>
        {v.paid ? (
          <div className="details-form__row">
            <TextField
              label={t('author.details.amount')}
              name="amount"
              inputMode="decimal"
              value={v.amount}
              error={err('amount')}
              onChange={(e) => set('amount', e.target.value)}
            />
            <TextField
              label={t('author.details.currency')}
              name="currency"
              maxLength={3}
              value={v.currency}
              error={err('currency')}
              onChange={(e) => set('currency', e.target.value.toUpperCase())}
            />
          </div>
        ) : null}
      </fieldset>
      <PrerequisitePicker
        value={v.prerequisiteIds}
        excludeId={courseId}
        onChange={(ids) => set('prerequisiteIds', ids)}
      />
      <div className="details-form__actions">
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
        {footer}
      </div>
    </form>
  );
}
