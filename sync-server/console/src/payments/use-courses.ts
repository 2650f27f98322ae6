import { useMemo } from 'react';
import { useIntl } from 'react-intl';
import { client } from '../api.ts';
import { useLoad } from './use-load.ts';

export interface CourseChoice {
  id: string;
  title: string;
}

/** The published paid courses (first 100, by title), for the course pickers. */
export function usePaidCourses(): CourseChoice[] {
  const intl = useIntl();
  const { data } = useLoad(() => client.call('searchCourses', { query: { price: 'paid', limit: 100 } }), []);
  return useMemo(
    () =>
      (data?.items ?? [])
        .map((c) => ({ id: c.id, title: c.title }))
        .sort((a, b) => a.title.localeCompare(b.title, intl.locale)),
    [data, intl.locale],
  );
}
