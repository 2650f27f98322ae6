import type { IntlShape } from 'react-intl';

// The react-intl of the latest render, for code that runs outside components (errors made in lib/api.ts).
let latest: IntlShape | null = null;

/** Called by the i18n provider on each render. */
export function rememberIntl(intl: IntlShape): void {
  latest = intl;
}

/** The interface's react-intl, null before the first render. */
export const currentIntl = (): IntlShape | null => latest;
