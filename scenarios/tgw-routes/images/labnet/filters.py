"""`--filters Name=...,Values=...` as EC2 applies them: filters AND together, the values of one filter
OR together, `*` and `?` are wildcards, `tag:<key>` and `tag-key` work on every tagged resource, and a
filter name the call does not know is an error (AWS answers InvalidParameterValue, it never ignores it).
"""
import fnmatch
import ipaddress

from .awsproto import ApiError


def _values(attrs, name):
    value = attrs.get(name)
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [_text(v) for v in value]
    return [_text(value)]


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def check_names(filters, allowed, tagged=True):
    for f in filters or []:
        name = f.get('Name', '')
        if tagged and (name.startswith('tag:') or name == 'tag-key'):
            continue
        if name not in allowed:
            raise ApiError('InvalidParameterValue', f"The filter '{name}' is invalid")


def matches(attrs, tags, filters, allowed, tagged=True):
    """attrs: filter name → value(s); tags: {key: value}."""
    check_names(filters, allowed, tagged)
    for f in filters or []:
        name = f.get('Name', '')
        wanted = f.get('Values', [])
        if name.startswith('tag:'):
            have = [tags[name[4:]]] if name[4:] in tags else []
        elif name == 'tag-key':
            have = list(tags)
        else:
            have = _values(attrs, name)
        if not any(fnmatch.fnmatchcase(h, w) for h in have for w in wanted):
            return False
    return True


def _cidr(value, name):
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ApiError('InvalidParameterValue', f'Value ({value}) for filter {name} is not a valid CIDR block') from None


def route_search(routes, filters):
    """SearchTransitGatewayRoutes' route-search.* filters (CIDR relations); the other filters go through matches()."""
    selected = list(routes)
    for f in filters or []:
        name = f.get('Name', '')
        values = f.get('Values', [])
        if not name.startswith('route-search.'):
            continue
        kept = []
        for value in values:
            target = _cidr(value, name)
            nets = [(r, ipaddress.ip_network(r['cidr'])) for r in selected]
            if name == 'route-search.exact-match':
                kept += [r for r, n in nets if n == target]
            elif name == 'route-search.subnet-of-match':
                kept += [r for r, n in nets if n.subnet_of(target)]
            elif name == 'route-search.supernet-of-match':
                kept += [r for r, n in nets if target.subnet_of(n)]
            elif name == 'route-search.longest-prefix-match':
                covering = [(r, n) for r, n in nets if target.subnet_of(n)]
                if covering:
                    kept.append(max(covering, key=lambda pair: pair[1].prefixlen)[0])
            else:
                raise ApiError('InvalidParameterValue', f"The filter '{name}' is invalid")
        selected = [r for r in selected if any(r is k for k in kept)]
    return selected
