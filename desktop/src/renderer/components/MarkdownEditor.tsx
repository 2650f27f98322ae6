import { useId } from 'react';
import { useT } from '../i18n/use-t.ts';
import { Markdown } from './Markdown.tsx';

/**
 * A Markdown text area with a live preview beside it (below it in a narrow window): the preview is rendered by the
 * same safe renderer students see, so what the author reads is what students get.
 */
export function MarkdownEditor({
  label,
  value,
  onChange,
  rows = 10,
  maxLength,
  hint,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  maxLength?: number;
  hint?: string;
  testId?: string;
}) {
  const t = useT();
  const id = useId();
  return (
    <div className="md-editor field">
      <label htmlFor={`${id}-text`} className="field__label">
        {label}
      </label>
      <p className="field__hint" id={`${id}-hint`}>
        {hint ?? t('author.markdown.hint')}
      </p>
      <div className="md-editor__panes">
        <textarea
          id={`${id}-text`}
          className="field__input md-editor__text"
          rows={rows}
          maxLength={maxLength}
          aria-describedby={`${id}-hint`}
          value={value}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value)}
        />
        <section
          className="md-editor__preview"
          aria-label={t('author.markdown.previewOf', { label })}
          data-testid={testId ? `${testId}-preview` : undefined}
        >
          <p className="md-editor__previewTitle" aria-hidden="true">
            {t('author.markdown.preview')}
          </p>
          {value.trim() ? (
            <Markdown source={value} headingOffset={2} />
          ) : (
            <p className="muted">{t('author.markdown.empty')}</p>
          )}
        </section>
      </div>
    </div>
  );
}
