/** What the enrollment and progress modules need from the identity module's account service. */
export interface UserDirectory {
  findByEmail(email: string): Promise<{ id: string; name: string; email: string } | undefined>;
  findById(id: string): Promise<{ id: string; name: string; email: string } | undefined>;
  namesByIds(ids: string[]): Promise<Map<string, string>>;
  /** Names and emails of many accounts in one query, when the identity module offers it. */
  contactsByIds?(ids: string[]): Promise<Map<string, { name: string; email: string }>>;
}

export interface Contact {
  name: string;
  email: string;
}

/** Names and emails of several accounts (rosters, reports, the gradebook). */
export async function contactsOf(users: UserDirectory, ids: string[]): Promise<Map<string, Contact>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  if (users.contactsByIds) return users.contactsByIds(unique);
  // Fallback until identity exposes a batch lookup: a few lookups at a time, each by primary key.
  const out = new Map<string, Contact>();
  for (let i = 0; i < unique.length; i += 16) {
    const rows = await Promise.all(unique.slice(i, i + 16).map((id) => users.findById(id)));
    for (const r of rows) if (r) out.set(r.id, { name: r.name, email: r.email });
  }
  return out;
}
