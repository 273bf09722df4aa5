/**
 * Who this page is in a game's team run: the member picked once per run and tab (sessionStorage, so a
 * reload keeps it and another tab may be someone else). The server checks it against the team.
 */

export interface MemberStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const key = (runId: string): string => `firedrill.member.${runId}`;

function storage(): MemberStorage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage disabled: the picker asks again after a reload
  }
}

export function storedMember(runId: string, store: MemberStorage | null = storage()): string | null {
  return store?.getItem(key(runId)) ?? null;
}

export function rememberMember(runId: string, member: string | null, store: MemberStorage | null = storage()): void {
  if (!store) return;
  if (member === null) store.removeItem(key(runId));
  else store.setItem(key(runId), member);
}
