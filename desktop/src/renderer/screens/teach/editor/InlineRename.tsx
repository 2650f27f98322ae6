import { useState } from 'react';
import { Button } from '../../../components/Button.tsx';
import { useT } from '../../../i18n/use-t.ts';

/** A title edited in place: Enter or Save keeps it, Escape or Cancel leaves it as it was. */
export function InlineRename({
  label,
  initial,
  onSave,
  onCancel,
}: {
  label: string;
  initial: string;
  onSave: (title: string) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const [value, setValue] = useState(initial);
  const save = () => {
    const v = value.trim();
    if (v && v !== initial) onSave(v);
    else onCancel();
  };
  return (
    <span className="tree-rename">
      <input
        className="field__input tree-rename__input"
        aria-label={label}
        value={value}
        maxLength={200}
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onCancel();
          }
        }}
      />
      <Button variant="primary" onClick={save}>
        {t('author.save')}
      </Button>
      <Button variant="ghost" onClick={onCancel}>
        {t('common.cancel')}
      </Button>
    </span>
  );
}
