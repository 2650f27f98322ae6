import { useId, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { PasswordProblems, PasswordRules } from '../../components/PasswordRules.tsx';
import { TextField } from '../../components/TextField.tsx';
import type { useT } from '../../i18n/use-t.ts';
import { passwordProblems } from '../../lib/account-api.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';

// The pieces the signed-out screens (sign in, create an account, reset a password) are built from.

/** The signed-out screens' panel: its heading takes focus (and names the page) when it appears or `focusKey` changes. */
export function AccountPanel({
  title,
  pageTitle = title,
  focusKey,
  children,
}: {
  title: string;
  /** The document's title when it is not the heading's. */
  pageTitle?: string;
  focusKey?: unknown;
  children: ReactNode;
}) {
  const heading = useFocusHeading<HTMLHeadingElement>(pageTitle, focusKey);
  return (
    <main id="main" className="sign-in">
      <div className="sign-in__panel">
        <h1 ref={heading} tabIndex={-1} className="sign-in__title">
          {title}
        </h1>
        {children}
      </div>
    </main>
  );
}

/** The form-wide error (announced at once), or nothing. */
export function ErrorBanner({ error }: { error: string | null }) {
  return error ? <Banner tone="error">{error}</Banner> : null;
}

/** A form the browser does not validate (the screen says what is wrong, next to each field), with its submit button. */
export function AccountForm({
  onSubmit,
  busy,
  busyLabel,
  submit,
  children,
}: {
  onSubmit: (e: FormEvent) => void;
  busy: boolean;
  busyLabel: string;
  submit: string;
  children: ReactNode;
}) {
  return (
    <form onSubmit={onSubmit} noValidate className="sign-in__form">
      {children}
      <Button type="submit" variant="primary" busy={busy} busyLabel={busyLabel}>
        {submit}
      </Button>
    </form>
  );
}

const text = (set: (v: string) => void) => (e: ChangeEvent<HTMLInputElement>) => set(e.target.value);

/** The email field (`username` when signing in to an existing account, `email` when creating one). */
export function EmailField({
  label,
  value,
  onChange,
  error,
  autoComplete,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  autoComplete: 'username' | 'email';
}) {
  return (
    <TextField
      label={label}
      type="email"
      name="email"
      autoComplete={autoComplete}
      value={value}
      onChange={text(onChange)}
      error={error}
      required
    />
  );
}

/** A new password: the field, the server's complaints about a weak one, and the rules it points at. */
export function NewPasswordField({
  label,
  value,
  onChange,
  error,
  problems,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  problems: string[];
}) {
  const rulesId = useId();
  return (
    <>
      <TextField
        label={label}
        type="password"
        name="new-password"
        autoComplete="new-password"
        value={value}
        onChange={text(onChange)}
        error={error}
        aria-describedby={rulesId}
        required
      />
      {problems.length ? (
        <Banner tone="error">
          <PasswordProblems problems={problems} />
        </Banner>
      ) : null}
      <PasswordRules id={rulesId} />
    </>
  );
}

/** The server's refusal of a weak password: its problems and the field's error; null when `err` is something else. */
export function weakPassword(
  t: ReturnType<typeof useT>,
  err: unknown,
): { problems: string[]; error: string } | null {
  const problems = passwordProblems(err);
  return problems.length ? { problems, error: t('createAccount.error.weak') } : null;
}

/** The row of links under a form. */
export function AccountLinks({ children }: { children: ReactNode }) {
  return <div className="sign-in__links">{children}</div>;
}

/** A link-looking button that switches the signed-out screen. */
export function LinkButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="link-button" onClick={onClick}>
      {children}
    </button>
  );
}
