// Resolves a container definition's `user` ("uid", "uid:gid", "name", "name:group") against the
// image's /etc/passwd and /etc/group, as Docker (and so ECS) does.

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

export class UserNotFoundError extends Error {
  override readonly name = 'UserNotFoundError';
  readonly code = 'BTH_USER_NOT_FOUND';
}

interface PasswdEntry { name: string; uid: number; gid: number }
interface GroupEntry { name: string; gid: number; members: string[] }

function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const [name, , uid, gid] = line.split(':');
    if (name === undefined || uid === undefined || gid === undefined || line.startsWith('#')) return [];
    return [{ name, uid: Number(uid), gid: Number(gid) }];
  });
}

function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((line) => {
    const [name, , gid, members] = line.split(':');
    if (name === undefined || gid === undefined || line.startsWith('#')) return [];
    return [{ name, gid: Number(gid), members: (members ?? '').split(',').filter((m) => m !== '') }];
  });
}

const NUMERIC = /^\d+$/;

/**
 * Docker's rules: an empty user is root; a numeric uid need not exist in /etc/passwd (its gid is
 * then 0); a name must; the primary gid comes from passwd unless a group is given; supplementary
 * gids are the groups that list the user by name. Throws UserNotFoundError for unknown names.
 */
export function resolveUser(user: string | undefined, passwdText: string, groupText: string): ResolvedUser {
  const spec = user ?? '';
  if (spec === '') return { uid: 0, gid: 0, additionalGids: [] };
  const [userPart = '', groupPart] = spec.split(':', 2);
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);
  const entry = NUMERIC.test(userPart)
    ? passwd.find((p) => p.uid === Number(userPart))
    : passwd.find((p) => p.name === userPart);
  if (!entry && !NUMERIC.test(userPart)) throw new UserNotFoundError(`unable to find user ${userPart}: no matching entries in passwd file`);
  const uid = entry?.uid ?? Number(userPart);
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (NUMERIC.test(groupPart)) gid = Number(groupPart);
    else {
      const group = groups.find((g) => g.name === groupPart);
      if (!group) throw new UserNotFoundError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = group.gid;
    }
  }
  const additionalGids = entry
    ? groups.filter((g) => g.members.includes(entry.name) && g.gid !== gid).map((g) => g.gid)
    : [];
  return { uid, gid, additionalGids };
}
