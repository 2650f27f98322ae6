import { describe, expect, it } from 'vitest';
import { checkCatalogues } from '@lyceum/ui/i18n/check';
import { catalogues } from './catalogues.ts';

describe('admin console catalogues', () => {
  it('every language has every English key, no other key, valid ICU and the same placeholders', () => {
    expect(checkCatalogues(catalogues)).toEqual([]);
  });
});
