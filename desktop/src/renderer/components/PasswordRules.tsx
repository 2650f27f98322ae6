import { useT } from '../i18n/use-t.ts';

/** The server's password rules, shown beside every new-password field (the field points at them). */
export function PasswordRules({ id }: { id: string }) {
  const t = useT();
  return (
    <div id={id}>
      <p className="password-rules__title">{t('password.rules.title')}</p>
      <ul className="password-rules">
        <li>{t('password.rule.length')}</li>
        <li>{t('password.rule.mix')}</li>
        <li>{t('password.rule.common')}</li>
        <li>{t('password.rule.personal')}</li>
      </ul>
    </div>
  );
}

/** A weak password's problems as the server gave them, under a heading. */
export function PasswordProblems({ problems }: { problems: string[] }) {
  const t = useT();
  if (problems.length === 0) return null;
  return (
    <>
      <p>{t('password.weak')}</p>
      <ul className="problems">
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </>
  );
}
